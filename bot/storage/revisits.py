"""Re-examination visits: moving a stay's visit to another date, closing a visit's reminders."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.messages import FailureReason, MessageKind, MessageStatus
from bot.domain.visits import visit_occurrence, visit_occurrences
from bot.storage.audit import Actor, write_audit
from bot.storage.connections import Connections
from bot.storage.outbox import insert_values
from bot.storage.outbox_records import PlannedMessage
from bot.storage.schema import episodes
from bot.storage.schema import scheduled_messages as m


@dataclass(frozen=True)
class ContactRows:
    """The re-examination rows one contact of the stay gets for the new date."""

    contact_id: int
    patient_id: int
    rows: Sequence[PlannedMessage]


class RevisitRepository:
    def __init__(self, engine: Connections) -> None:
        self._engine = engine

    async def reschedule(
        self,
        episode_id: int,
        visit: date,
        new_rows: Sequence[ContactRows],
        actor: Actor,
        now: datetime,
    ) -> None:
        """Move the stay's visit to `visit` in one transaction: the date (audited), the old
        visit's pending reminders cancelled, the new visit's ones planned."""
        async with self._engine.begin() as conn:
            query = select(episodes.c.revisit_at).where(episodes.c.id == episode_id)
            old = (await conn.execute(query)).scalar()
            await conn.execute(
                update(episodes).where(episodes.c.id == episode_id).values(revisit_at=visit)
            )
            if old is not None and old != visit:
                old_visit = visit_occurrences(visit_occurrence(old, 0))
                await _cancel_range(conn, episode_id, old_visit, FailureReason.RESCHEDULED, now)
            for contact in new_rows:
                await _plan_rows(conn, episode_id, contact, now)
            subject = f"episode:{episode_id}"
            await write_audit(conn, now, actor, "episode.revisit", subject, "rescheduled")

    async def cancel_visit(
        self, episode_id: int, occurrences: range, reason: str, now: datetime
    ) -> int:
        """Cancel the pending reminders of one visit of a stay (its range of occurrences)."""
        async with self._engine.begin() as conn:
            return await _cancel_range(conn, episode_id, occurrences, reason, now)


async def _cancel_range(
    conn: AsyncConnection, episode_id: int, occurrences: range, reason: str, now: datetime
) -> int:
    """Cancel a stay's pending re-exam reminders whose occurrence is in the range."""
    result = await conn.execute(
        update(m)
        .where(m.c.episode_id == episode_id, m.c.kind == MessageKind.REEXAM_REMINDER.value)
        .where(m.c.status == MessageStatus.PENDING.value)
        .where(m.c.occurrence >= occurrences.start, m.c.occurrence < occurrences.stop)
        .values(status=MessageStatus.CANCELLED.value, failure_reason=reason, updated_at=now)
    )
    return int(result.rowcount)


async def _plan_rows(
    conn: AsyncConnection, episode_id: int, contact: ContactRows, now: datetime
) -> None:
    """Add a contact's rows for the new visit, reopening ones cancelled by an earlier move."""
    for row in contact.rows:
        same = (
            (m.c.contact_id == contact.contact_id)
            & (m.c.episode_id == episode_id)
            & (m.c.step_key == row.step_key)
            & (m.c.occurrence == row.occurrence)
        )
        found = (await conn.execute(select(m.c.id, m.c.status).where(same))).first()
        values = insert_values(row, contact.contact_id, episode_id, contact.patient_id, now)
        if found is None:
            await conn.execute(insert(m).values(values))
        elif found.status == MessageStatus.CANCELLED.value:
            del values["created_at"]
            await conn.execute(update(m).where(m.c.id == found.id).values(values))
