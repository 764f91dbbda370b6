"""Guarded changes of a case, each with its event, in one transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, insert, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.cases import (
    OVERDUE_EVENTS,
    REMINDER_EVENTS,
    CaseChange,
    CaseEventKind,
    CaseStatus,
    Deadline,
)
from bot.storage.audit import Actor, write_audit
from bot.storage.connections import Connections
from bot.storage.schema import case_events, cases

DEADLINE_COLUMNS = {  # which deadline -> (reminded column, overdue column)
    Deadline.ACK: (cases.c.ack_reminded_at, cases.c.ack_overdue_at),
    Deadline.ANSWER: (cases.c.answer_reminded_at, cases.c.answer_overdue_at),
}


class CaseTransitions:
    def __init__(self, engine: Connections) -> None:
        self._engine = engine

    async def transition(self, case_id: int, expected: CaseStatus, change: CaseChange) -> bool:
        """Apply a change and record its event if the case is still in the expected status."""
        values, guards = _values_and_guards(change)
        async with self._engine.begin() as conn:
            result = await conn.execute(
                update(cases)
                .where(cases.c.id == case_id, cases.c.status == expected.value, *guards)
                .values(values)
            )
            if result.rowcount != 1:
                return False
            await add_event(conn, case_id, change.at, change.actor_id, change.event, change.detail)
        return True

    async def record_event(
        self,
        case_id: int,
        kind: CaseEventKind,
        now: datetime,
        actor_id: int | None = None,
        detail: str | None = None,
    ) -> None:
        """Record an event that changes nothing else (a prompt posted, a patient's reply)."""
        async with self._engine.begin() as conn:
            await add_event(conn, case_id, now, actor_id, kind, detail)

    async def mark_reminded(self, case_id: int, which: Deadline, now: datetime) -> bool:
        """Note the reminder of a deadline once; False if already noted."""
        column = DEADLINE_COLUMNS[which][0]
        return await self._mark_once(case_id, column, REMINDER_EVENTS[which], now)

    async def mark_overdue(self, case_id: int, which: Deadline, now: datetime) -> bool:
        """Note that a deadline passed, once; False if already noted."""
        column = DEADLINE_COLUMNS[which][1]
        return await self._mark_once(case_id, column, OVERDUE_EVENTS[which], now)

    async def _mark_once(
        self, case_id: int, column: ColumnElement[datetime], event: CaseEventKind, now: datetime
    ) -> bool:
        async with self._engine.begin() as conn:
            result = await conn.execute(
                update(cases)
                .where(cases.c.id == case_id, column.is_(None))
                .values({column.key: now})
            )
            if result.rowcount != 1:
                return False
            await add_event(conn, case_id, now, None, event)
        return True


def _values_and_guards(change: CaseChange) -> tuple[dict[str, object], list[ColumnElement[bool]]]:
    """Translate a change into column values, and the once-only fields into guards."""
    values: dict[str, object] = {}
    guards: list[ColumnElement[bool]] = []
    if change.status is not None:
        values["status"] = change.status.value
    if change.assignee_id is not None:
        values["assignee_id"] = change.assignee_id
    if change.acknowledge:
        values |= {"acknowledged_by": change.actor_id, "acknowledged_at": change.at}
        guards.append(cases.c.acknowledged_at.is_(None))
    if change.answer:
        values["answered_at"] = change.at
    if change.outcome is not None:
        values["outcome"] = change.outcome.value
    if change.summary is not None:
        values["summary"] = change.summary
    if change.close:
        values["closed_at"] = change.at
    if change.reopen:
        values |= {"closed_at": None, "outcome": None}
    if change.red_flag_outcome is not None:
        values["red_flag_outcome"] = change.red_flag_outcome.value
    if change.rating is not None:
        values["handling_satisfaction"] = change.rating.value
        guards.append(cases.c.handling_satisfaction.is_(None))
    if not values:  # the update must touch the row for its count to say the guard held
        values["status"] = cases.c.status
    return values, guards


async def add_event(
    conn: AsyncConnection,
    case_id: int,
    now: datetime,
    actor_id: int | None,
    kind: CaseEventKind,
    detail: str | None = None,
) -> None:
    """Record an event of a case and audit it."""
    values = {"case_id": case_id, "at": now, "actor_id": actor_id, "kind": kind.value}
    await conn.execute(insert(case_events).values({**values, "detail": detail}))
    # the event's detail may quote the patient; the audit names only the case and the change
    audit_kind = f"case.{kind.value}"
    await write_audit(conn, now, Actor.staff_or_bot(actor_id), audit_kind, f"case:{case_id}")
