"""The record of sends that have no outbox row: replies, notices to staff, broadcasts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select

from bot.domain.channel_messages import ChannelName
from bot.domain.messages import DeliveryOutcome
from bot.storage.connections import Connections
from bot.storage.schema import deliveries


@dataclass(frozen=True)
class SendRecord:
    """One attempt of the send path: where, why, and what became of it."""

    channel: str
    address: str
    purpose: str
    outcome: DeliveryOutcome
    detail: str | None = None
    ref: str | None = None  # the channel's id of the sent message


class DeliveryRepository:
    def __init__(self, engine: Connections) -> None:
        self._engine = engine

    async def record(self, sent: SendRecord, now: datetime) -> None:
        """Record one send (or refusal) of the send path."""
        async with self._engine.begin() as conn:
            await conn.execute(insert(deliveries).values(**_columns(sent, now)))

    async def prune_before(self, cutoff: datetime, batch: int) -> int:
        """Delete those of the `batch` oldest deliveries recorded before cutoff; return how many."""
        # Nothing reads the log back (statistics count the outbox and the tallies). Ids rise
        # with time: the oldest rows come first by primary key, and a log with nothing to
        # prune costs a read of `batch` rows, not a scan, in one short transaction.
        d = deliveries
        oldest = select(d.c.id, d.c.at).order_by(d.c.id).limit(batch).subquery()
        due = select(oldest.c.id).where(oldest.c.at < cutoff)
        async with self._engine.begin() as conn:
            went = await conn.execute(delete(d).where(d.c.id.in_(due)))
        return went.rowcount


def _columns(sent: SendRecord, now: datetime) -> dict[str, object]:
    numeric = sent.channel == ChannelName.TELEGRAM and sent.address.lstrip("-").isdigit()
    has_ref = sent.ref is not None and sent.ref.lstrip("-").isdigit()
    return {
        "message_id": None,
        "chat_id": int(sent.address) if numeric else None,
        "at": now,
        "outcome": sent.outcome.value,
        "detail": sent.detail,
        "telegram_message_id": int(sent.ref) if has_ref and sent.ref is not None else None,
        "purpose": sent.purpose,
        "channel": sent.channel,
        "address": sent.address,
    }
