"""The calls a nurse relays a check-in on: the call in progress, its phone contact, its end,
and the call owed when staff answer a patient reached only by phone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select, update

from bot.domain.calls import CallOutcome, CallReason
from bot.storage.connections import Connections, reading
from bot.storage.schema import call_attempts, call_tasks

a, t = call_attempts, call_tasks


@dataclass(frozen=True)
class CallInProgress:
    """A reached call not ended yet: who is on it, for which stay and step."""

    attempt_id: int
    task_id: int
    staff_user: int
    episode_id: int
    reason: CallReason
    step: str | None
    contact_id: int | None


def _in_progress() -> Select[Any]:
    return (
        select(a.c.id, t.c.id, a.c.staff_user, t.c.episode_id, t.c.reason, t.c.step, a.c.contact_id)
        .select_from(a.join(t, t.c.id == a.c.task_id))
        .where(a.c.outcome == CallOutcome.REACHED.value, a.c.ended_at.is_(None))
        .order_by(a.c.started_at.desc(), a.c.id.desc())
        .limit(1)
    )


class PhoneCallRepository:
    def __init__(self, engine: Connections) -> None:
        self._engine = engine

    async def in_progress_for_contact(self, contact_id: int) -> CallInProgress | None:
        """Return the reached call now relaying to a phone contact, if any."""
        return await self._first(_in_progress().where(a.c.contact_id == contact_id))

    async def in_progress_for_staff(self, staff_user: int) -> CallInProgress | None:
        """Return the reached call a staff member is on now, if any."""
        return await self._first(_in_progress().where(a.c.staff_user == staff_user))

    async def in_progress(self, attempt_id: int) -> CallInProgress | None:
        """Return an attempt if it is a reached call not ended yet."""
        return await self._first(_in_progress().where(a.c.id == attempt_id))

    async def attach_contact(self, attempt_id: int, contact_id: int) -> None:
        """Record the phone contact whose answers the nurse enters on this call."""
        statement = update(a).where(a.c.id == attempt_id).values(contact_id=contact_id)
        async with self._engine.begin() as conn:
            await conn.execute(statement)

    async def end(self, attempt_id: int, now: datetime) -> bool:
        """End a call in progress; False if it had ended already."""
        statement = (
            update(a).where(a.c.id == attempt_id, a.c.ended_at.is_(None)).values(ended_at=now)
        )
        async with self._engine.begin() as conn:
            return bool((await conn.execute(statement)).rowcount)

    async def nurse_of_contact(self, contact_id: int) -> int | None:
        """Return the staff member who last relayed for a phone contact, if any."""
        query = (
            select(a.c.staff_user)
            .where(a.c.contact_id == contact_id)
            .order_by(a.c.started_at.desc(), a.c.id.desc())
            .limit(1)
        )
        async with reading(self._engine) as conn:
            return (await conn.execute(query)).scalar_one_or_none()

    async def _first(self, query: Select[Any]) -> CallInProgress | None:
        async with reading(self._engine) as conn:
            row = (await conn.execute(query)).first()
        if row is None:
            return None
        attempt, task, staff, episode, reason, step, contact = row
        return CallInProgress(attempt, task, staff, episode, CallReason(reason), step, contact)
