"""Guarded changes of a case, each with its event, in one transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, insert, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage.audit import Actor, write_audit
from bot.storage.connections import Connections
from bot.storage.schema import case_events, cases

DEADLINE_COLUMNS = {  # which deadline -> (reminded column, overdue column)
    "ack": ("ack_reminded_at", "ack_overdue_at"),
    "answer": ("answer_reminded_at", "answer_overdue_at"),
}


class CaseTransitions:
    def __init__(self, engine: Connections) -> None:
        self._engine = engine

    async def change(
        self,
        case_id: int,
        now: datetime,
        actor_id: int | None,
        event: str,
        detail: str | None = None,
        *only_if: ColumnElement[bool],
        **values: object,
    ) -> bool:
        """Change a case and record the event, in one transaction; False if only_if failed."""
        async with self._engine.begin() as conn:
            if values:
                result = await conn.execute(
                    update(cases).where(cases.c.id == case_id, *only_if).values(**values)
                )
                if result.rowcount != 1:
                    return False
            await add_event(conn, case_id, now, actor_id, event, detail)
        return True

    async def take(
        self, case_id: int, now: datetime, user_id: int, status: str, first_ack: bool
    ) -> bool:
        """Assign an unclosed case to a staff member (and acknowledge it if nobody had)."""
        ack = {"acknowledged_by": user_id, "acknowledged_at": now} if first_ack else {}
        values = {"assignee_id": user_id, "status": status, **ack}
        only_open = cases.c.status != "closed"
        return await self.change(case_id, now, user_id, "taken", None, only_open, **values)

    async def record_reply(
        self, case_id: int, now: datetime, user_id: int, text: str | None, first: bool
    ) -> bool:
        """Record a staff reply relayed to the patient; the first one answers the case."""
        values: dict[str, object] = {"status": "answered"}
        if first:
            values["answered_at"] = now
        return await self.change(case_id, now, user_id, "replied", text, **values)

    async def choose_outcome(self, case_id: int, now: datetime, user_id: int, outcome: str) -> bool:
        """Set the outcome of an unclosed case and start closing it; False if it was closed."""
        return await self.change(
            case_id,
            now,
            user_id,
            "outcome",
            outcome,
            cases.c.status != "closed",
            outcome=outcome,
            status="closing",
            assignee_id=user_id,
        )

    async def close(self, case_id: int, now: datetime, user_id: int, summary: str) -> bool:
        """Close a case being closed, with its summary; False if it was not being closed."""
        return await self.change(
            case_id,
            now,
            user_id,
            "closed",
            summary,
            cases.c.status == "closing",
            status="closed",
            summary=summary,
            closed_at=now,
        )

    async def reopen(self, case_id: int, now: datetime, user_id: int) -> bool:
        """Reopen a closed case as taken; False if it was not closed."""
        closed = cases.c.status == "closed"
        values = {"status": "taken", "closed_at": None, "outcome": None}
        return await self.change(case_id, now, user_id, "reopened", None, closed, **values)

    async def rate_handling(self, case_id: int, now: datetime, satisfied: bool) -> bool:
        """Record the patient's one answer on a closed case's handling; False if not allowed."""
        return await self.change(
            case_id,
            now,
            None,
            "handling_feedback",
            "yes" if satisfied else "no",
            cases.c.handling_satisfaction.is_(None),
            cases.c.status == "closed",
            handling_satisfaction="satisfied" if satisfied else "unsatisfied",
        )

    async def mark_reminded(self, case_id: int, which: str, now: datetime) -> bool:
        """Note the reminder of a deadline ("ack" or "answer") once; False if already noted."""
        column = DEADLINE_COLUMNS[which][0]
        not_yet = cases.c[column].is_(None)
        values = {column: now}
        return await self.change(case_id, now, None, f"{which}_reminder", None, not_yet, **values)

    async def mark_overdue(self, case_id: int, which: str, now: datetime) -> bool:
        """Note that a deadline ("ack" or "answer") passed, once; False if already noted."""
        column = DEADLINE_COLUMNS[which][1]
        not_yet = cases.c[column].is_(None)
        values = {column: now}
        return await self.change(case_id, now, None, f"{which}_overdue", None, not_yet, **values)


async def add_event(
    conn: AsyncConnection,
    case_id: int,
    now: datetime,
    actor_id: int | None,
    kind: str,
    detail: str | None = None,
) -> None:
    """Record an event of a case and audit it."""
    values = {"case_id": case_id, "at": now, "actor_id": actor_id, "kind": kind, "detail": detail}
    await conn.execute(insert(case_events).values(values))
    # the event's detail may quote the patient; the audit names only the case and the change
    await write_audit(conn, now, Actor.staff_or_bot(actor_id), f"case.{kind}", f"case:{case_id}")
