"""Apply the catch-up rule to a contact's planned steps: supersede, carry, keep plan order."""

from __future__ import annotations

from collections.abc import Set
from dataclasses import replace
from datetime import datetime

from bot.domain.catch_up import (
    ORDER_GAP,
    ORDERED_KINDS,
    StepTiming,
    replacement,
    superseded,
)
from bot.domain.messages import MessageKind, MessageStatus
from bot.domain.schedule import SendPolicy, next_send_time
from bot.storage.outbox_records import PlannedMessage

StepId = tuple[str, int]


def caught_up(
    messages: list[PlannedMessage], now: datetime, done: Set[StepId]
) -> list[PlannedMessage]:
    """Mark due steps a later due step of the same kind replaces as superseded.

    When the plan's first check-in is among them and no check-in went out yet, the check-in
    sent instead asks its questions (who answers, satisfaction): a first contact stays one.
    """
    open_steps = [
        index
        for index, p in enumerate(messages)
        if p.status is MessageStatus.PENDING and (p.step_key, p.occurrence) not in done
    ]
    timings = [StepTiming(messages[i].kind, messages[i].due_at) for i in open_steps]
    gone = superseded(timings, now)
    result = list(messages)
    for position in gone:
        index = open_steps[position]
        result[index] = replace(
            messages[index], status=MessageStatus.SUPERSEDED, send_at=messages[index].due_at
        )
    kept = replacement(timings, gone, now)
    first = _first_checkin(messages)
    if (
        kept is not None
        and first in {open_steps[p] for p in gone}
        and not _checked_in(messages, done)
    ):
        index = open_steps[kept]
        result[index] = replace(result[index], survey=messages[first].survey)
    return result


def _checked_in(messages: list[PlannedMessage], done: Set[StepId]) -> bool:
    return any(
        p.kind is MessageKind.CHECKIN and (p.step_key, p.occurrence) in done for p in messages
    )


def _first_checkin(messages: list[PlannedMessage]) -> int | None:
    checkins = [i for i, p in enumerate(messages) if p.kind is MessageKind.CHECKIN]
    return min(checkins, key=lambda i: messages[i].due_at) if checkins else None


def in_plan_order(messages: list[PlannedMessage], policy: SendPolicy) -> list[PlannedMessage]:
    """Re-time pending follow-up steps so none goes out before an earlier one (spreading
    inside a window could otherwise send day 7 before day 3)."""
    order = sorted(range(len(messages)), key=lambda i: messages[i].due_at)  # stable: plan order
    result = list(messages)
    previous: datetime | None = None
    for index in order:
        p = messages[index]
        if p.status is not MessageStatus.PENDING or p.kind not in ORDERED_KINDS:
            continue
        if previous is not None and p.send_at <= previous:
            p = replace(p, send_at=next_send_time(previous + ORDER_GAP, policy))
            result[index] = p
        previous = p.send_at
    return result
