"""Storing a contact's plan as rows: added, re-timed, cancelled."""

from __future__ import annotations

from collections.abc import Sequence, Set
from datetime import datetime
from typing import Any

from sqlalchemy import and_, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.catch_up import OpenStep
from bot.domain.messages import FailureReason, MessageKind
from bot.storage.connections import reading
from bot.storage.outbox.base import OutboxTable, set_row_status
from bot.storage.outbox_records import MessageStatus, PlanCounts, PlannedMessage
from bot.storage.schema import contacts, scheduled_messages

m = scheduled_messages

PLANNED_FIELDS = (
    "kind",
    "template",
    "survey",
    "payload",
    "due_at",
    "send_at",
    "status",
    "answer_timeout_s",
)


class OutboxPlanning(OutboxTable):
    """A contact's planned steps: stored, re-planned, and what already went out."""

    async def plan(
        self,
        contact_id: int,
        episode_id: int,
        patient_id: int,
        planned: Sequence[PlannedMessage],
        now: datetime,
    ) -> PlanCounts:
        """Store a contact's plan: new steps added, open ones re-timed, gone ones cancelled."""
        counts = PlanCounts()
        async with self._engine.begin() as conn:
            await conn.execute(
                update(m)
                .where(m.c.contact_id == contact_id, m.c.episode_id != episode_id)
                .where(m.c.status == MessageStatus.PENDING.value)
                .values(
                    status=MessageStatus.CANCELLED.value,
                    failure_reason=FailureReason.NEW_EPISODE.value,
                    updated_at=now,
                )
            )
            existing = await _existing_steps(conn, contact_id, episode_id)
            wanted = {(p.step_key, p.occurrence): p for p in planned}
            for key, (row_id, status) in existing.items():
                open_row = status in (MessageStatus.PENDING, MessageStatus.CANCELLED)
                if key not in wanted and status == MessageStatus.PENDING:
                    await set_row_status(
                        conn, row_id, MessageStatus.CANCELLED, FailureReason.REPLANNED, now
                    )
                    counts.cancelled += 1
                elif key in wanted and open_row:
                    await _update_planned(conn, row_id, wanted[key], episode_id, now)
                    _count(counts, wanted[key])
                elif key in wanted:
                    counts.kept += 1
            new = [p for key, p in wanted.items() if key not in existing]
            if new:
                rows = [insert_values(p, contact_id, episode_id, patient_id, now) for p in new]
                await conn.execute(insert(m), rows)
            for p in new:
                _count(counts, p)
        return counts

    async def steps_done(self, contact_id: int, episode_id: int) -> set[tuple[str, int]]:
        """Return the planned steps of a contact's episode that already went out."""
        went_out = (MessageStatus.SENT, MessageStatus.ANSWERED, MessageStatus.FAILED)
        query = select(m.c.step_key, m.c.occurrence).where(
            m.c.contact_id == contact_id,
            m.c.episode_id == episode_id,
            m.c.status.in_([status.value for status in went_out]),
        )
        async with reading(self._engine) as conn:
            return {(key, occurrence) for key, occurrence in (await conn.execute(query)).all()}

    async def done_before_takeover(self, episode_id: int) -> set[tuple[str, int]]:
        """Return the steps of a stay done by contacts a chat took over from (by SMS): those
        answered, and those sent that wait for no answer (a check-in unanswered is asked again)."""
        superseded = select(contacts.c.id).where(
            contacts.c.episode_id == episode_id, contacts.c.superseded_at.is_not(None)
        )
        told = and_(
            m.c.status == MessageStatus.SENT.value,
            m.c.kind.not_in([MessageKind.CHECKIN.value, MessageKind.KEEP_ASKING.value]),
        )
        query = select(m.c.step_key, m.c.occurrence).where(
            m.c.episode_id == episode_id,
            m.c.contact_id.in_(superseded),
            or_(m.c.status == MessageStatus.ANSWERED.value, told),
        )
        async with reading(self._engine) as conn:
            return {(key, occurrence) for key, occurrence in (await conn.execute(query)).all()}

    async def waiting_steps(self, episode_ids: Set[int], kinds: Set[str]) -> list[OpenStep]:
        """Return the pending steps of these kinds in these episodes (for plan order)."""
        query = select(m.c.id, m.c.contact_id, m.c.kind, m.c.due_at, m.c.send_at).where(
            m.c.episode_id.in_(sorted(episode_ids)),
            m.c.kind.in_(sorted(kinds)),
            m.c.status == MessageStatus.PENDING.value,
        )
        async with reading(self._engine) as conn:
            return [OpenStep(*row) for row in (await conn.execute(query)).all()]

    async def add(
        self,
        contact_id: int,
        episode_id: int,
        patient_id: int,
        planned: PlannedMessage,
        now: datetime,
    ) -> None:
        """Add one row outside the plan (a reminder of its own, a follow-up question)."""
        async with self._engine.begin() as conn:
            values = insert_values(planned, contact_id, episode_id, patient_id, now)
            await conn.execute(insert(m).values(values))


def _count(counts: PlanCounts, planned: PlannedMessage) -> None:
    if planned.status == MessageStatus.MISSED:
        counts.missed += 1
    elif planned.status == MessageStatus.SUPERSEDED:
        counts.superseded += 1
    else:
        counts.scheduled += 1


def insert_values(
    p: PlannedMessage, contact_id: int, episode_id: int, patient_id: int, now: datetime
) -> dict[str, Any]:
    return {
        **{name: getattr(p, name) for name in PLANNED_FIELDS},
        "step_key": p.step_key,
        "occurrence": p.occurrence,
        "contact_id": contact_id,
        "episode_id": episode_id,
        "patient_id": patient_id,
        "attempts": 0,
        "tries": 0,
        "failure_reason": FailureReason.LATE.value if p.status == MessageStatus.MISSED else None,
        "created_at": now,
        "updated_at": now,
    }


async def _existing_steps(
    conn: AsyncConnection, contact_id: int, episode_id: int
) -> dict[tuple[str, int], tuple[int, str]]:
    """Return the planned rows of a contact's episode (not the ad-hoc keep-asking ones)."""
    query = select(m.c.step_key, m.c.occurrence, m.c.id, m.c.status).where(
        m.c.contact_id == contact_id,
        m.c.episode_id == episode_id,
        m.c.kind != MessageKind.KEEP_ASKING.value,
    )
    rows = await conn.execute(query)
    return {(key, occ): (id_, status) for key, occ, id_, status in rows.all()}


async def _update_planned(
    conn: AsyncConnection, row_id: int, p: PlannedMessage, episode_id: int, now: datetime
) -> None:
    values = {name: getattr(p, name) for name in PLANNED_FIELDS}
    reason = FailureReason.LATE.value if p.status == MessageStatus.MISSED else None
    await conn.execute(
        update(m)
        .where(m.c.id == row_id)
        .values(
            **values,
            episode_id=episode_id,
            failure_reason=reason,
            lease_until=None,
            lease_owner=None,
            updated_at=now,
        )
    )
