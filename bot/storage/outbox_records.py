"""Rows of the outbox (scheduled_messages) and what planning hands to it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.domain.channel_messages import ChannelName
from bot.domain.messages import DeliveryOutcome, MessageKind, MessageStatus

__all__ = ["Delivery", "MessageStatus", "OutboxRow", "Outcome", "PlanCounts", "PlannedMessage"]


@dataclass(frozen=True)
class PlannedMessage:
    step_key: str
    occurrence: int
    kind: MessageKind
    template: str
    due_at: datetime
    send_at: datetime
    status: MessageStatus = MessageStatus.PENDING
    survey: str | None = None
    payload: dict[str, object] = field(default_factory=dict)
    answer_timeout_s: int = 86400

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", MessageKind(self.kind))


@dataclass(frozen=True)
class OutboxRow:
    id: int
    contact_id: int
    patient_id: int
    episode_id: int
    chat_id: int
    locale: str
    step_key: str
    occurrence: int
    kind: MessageKind
    template: str
    survey: str | None
    payload: dict[str, object]
    due_at: datetime
    send_at: datetime
    status: MessageStatus
    attempts: int
    tries: int
    answer_timeout_s: int
    failure_reason: str | None
    patient_name: str
    department: str
    plan_key: str | None
    respondent: str
    relation: str | None
    discharged_at: datetime
    department_id: int
    flags: str | None = None  # the stay's 特殊标记 (plan-specific questions)
    channel: str = ChannelName.TELEGRAM.value  # the contact's channel and address there
    handle: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", MessageKind(self.kind))
        object.__setattr__(self, "status", MessageStatus(self.status))


@dataclass
class PlanCounts:
    scheduled: int = 0
    missed: int = 0
    superseded: int = 0
    cancelled: int = 0
    kept: int = 0


@dataclass(frozen=True)
class Delivery:
    chat_id: int
    outcome: DeliveryOutcome
    detail: str | None = None
    telegram_message_id: int | None = None
    channel: str = ChannelName.TELEGRAM.value
    address: str | None = None  # the address on its channel; None: the chat id


@dataclass(frozen=True)
class Outcome:
    """What became of one leased row: its new column values and the delivery record."""

    row_id: int
    delivery: Delivery
    values: dict[str, object]
