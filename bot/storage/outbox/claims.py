"""Claiming due rows with a lease, and recording how their sending went."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, bindparam, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.channel_messages import SendPurpose
from bot.domain.messages import FailureReason, MessageKind, MessageStatus
from bot.storage.outbox.base import OutboxTable
from bot.storage.outbox.eligibility import (
    cancel_ineligible_among,
    cancel_not_eligible,
    ineligible,
)
from bot.storage.outbox.rows import ROW_COLUMNS, joined_tables, outbox_row
from bot.storage.outbox_records import OutboxRow, Outcome
from bot.storage.schema import deliveries, scheduled_messages
from bot.storage.sent_tallies import SentFacts, count_sent_checkins, owned_facts
from bot.storage.tallies import count_failure

m = scheduled_messages
INELIGIBLE = "ineligible"  # the claim's extra column: the row may no longer be sent


class OutboxClaims(OutboxTable):
    """Due rows leased to one dispatcher, then finished with their delivery outcomes."""

    async def claim_due(
        self, now: datetime, limit: int, lease: timedelta, owner: str
    ) -> list[OutboxRow]:
        """Lease up to limit due rows to owner; rows no longer eligible (consent withdrawn,
        excluded, the patient deceased, in dispute or erased) are cancelled first."""
        async with self._engine.begin() as conn:
            free = or_(m.c.lease_until.is_(None), m.c.lease_until < now)
            # each due row is read once, whole, after whether it may still be sent (column 0)
            due = select(ineligible().label(INELIGIBLE), *ROW_COLUMNS).select_from(joined_tables())
            due = due.where(m.c.status == MessageStatus.PENDING.value, m.c.send_at <= now, free)
            # PostgreSQL: rows another dispatcher is claiming right now are skipped, not
            # waited for; SQLite (one writer at a time) renders no FOR UPDATE at all.
            due = due.order_by(m.c.send_at).limit(limit).with_for_update(of=m, skip_locked=True)
            rows: list[Row[Any]] = []
            while found := (await conn.execute(due)).all():
                # rows no longer eligible are cancelled as they come due; a batch of them
                # alone is followed by the next, so a claim returns none only when none is due
                await cancel_not_eligible(conn, {row.id for row in found if row[0]}, now)
                if rows := [row for row in found if not row[0]]:
                    break
            if not rows:
                return []
            leased = await conn.execute(
                update(m)
                .where(
                    m.c.id.in_([row.id for row in rows]),
                    m.c.status == MessageStatus.PENDING.value,
                    free,
                )
                .values(lease_until=now + lease, lease_owner=owner)
                .returning(m.c.id)
            )
            mine = set(leased.scalars())
            return [outbox_row(row[1:]) for row in rows if row.id in mine]

    async def claim_row(
        self, row_id: int, now: datetime, lease: timedelta, owner: str
    ) -> OutboxRow | None:
        """Lease one pending row to owner whenever it is due (a nurse waits on the phone for
        it); None if it is not pending, is leased to another, or may no longer be sent."""
        async with self._engine.begin() as conn:
            if await cancel_ineligible_among(conn, [row_id], now):
                return None
            free = or_(m.c.lease_until.is_(None), m.c.lease_until < now)
            claimed = await conn.execute(
                update(m)
                .where(m.c.id == row_id, m.c.status == MessageStatus.PENDING.value, free)
                .values(lease_until=now + lease, lease_owner=owner)
            )
            if not claimed.rowcount:
                return None
            query = select(*ROW_COLUMNS).select_from(joined_tables()).where(m.c.id == row_id)
            row = (await conn.execute(query)).first()
            return outbox_row(row) if row is not None else None

    async def finish_many(self, owner: str, outcomes: Sequence[Outcome], now: datetime) -> int:
        """Record delivery outcomes in one transaction, releasing leases; return rows kept."""
        async with self._engine.begin() as conn:
            facts = await owned_facts(conn, [o.row_id for o in outcomes], owner)
            kept = [o for o in outcomes if o.row_id in facts]  # a lost lease: not ours now
            for columns, group in _grouped_by_columns(kept).items():
                assigned: dict[str, Any] = {name: bindparam(name) for name in columns}
                assigned.update(lease_until=None, lease_owner=None, updated_at=now)
                statement = update(m).where(m.c.id == bindparam("_row")).values(assigned)
                await conn.execute(statement, [{"_row": o.row_id, **o.values} for o in group])
            if kept:
                await conn.execute(insert(deliveries), [_delivery_row(o, now) for o in kept])
            checkins = [o for o in kept if facts[o.row_id].kind == MessageKind.CHECKIN.value]
            await _count_sent(conn, checkins, facts, now)
            await _count_failed(conn, checkins, facts)
        return len(kept)


async def _count_failed(
    conn: AsyncConnection, checkins: Sequence[Outcome], facts: Mapping[int, SentFacts]
) -> None:
    """Count check-ins that failed, by reason."""
    for o in checkins:
        if o.values.get("status") == MessageStatus.FAILED:
            reason = str(o.values.get("failure_reason") or FailureReason.UNKNOWN)
            await count_failure(conn, facts[o.row_id].episode_id, reason)


async def _count_sent(
    conn: AsyncConnection,
    checkins: Sequence[Outcome],
    facts: Mapping[int, SentFacts],
    now: datetime,
) -> None:
    """Count check-ins sent (the first try counts the step; any try marks followed up)."""
    sent = [o for o in checkins if o.values.get("status") == MessageStatus.SENT]
    first = {o.row_id for o in sent if o.values.get("tries") == 1}
    await count_sent_checkins(conn, [facts[o.row_id] for o in sent], first, now)


def _grouped_by_columns(outcomes: Sequence[Outcome]) -> dict[tuple[str, ...], list[Outcome]]:
    groups: dict[tuple[str, ...], list[Outcome]] = {}
    for outcome in outcomes:
        groups.setdefault(tuple(sorted(outcome.values)), []).append(outcome)
    return groups


def _delivery_row(outcome: Outcome, now: datetime) -> dict[str, object]:
    delivery = outcome.delivery
    return {
        "message_id": outcome.row_id,
        "chat_id": delivery.chat_id,
        "at": now,
        "outcome": delivery.outcome.value,
        "detail": delivery.detail,
        "telegram_message_id": delivery.telegram_message_id,
        "purpose": SendPurpose.OUTBOX.value,
        "channel": delivery.channel,
        "address": delivery.address or str(delivery.chat_id),
    }
