"""Each try at a call (call_attempts): opened when a nurse takes the call, then its outcome."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.calls import CallOutcome, CallStatus
from bot.storage.audit import Actor, write_audit
from bot.storage.connections import Connections, reading
from bot.storage.schema import call_attempts as a
from bot.storage.schema import call_reviews, call_tasks, episodes

OUTCOME_ACTION = "call.outcome"  # the audit action of a recorded call outcome


@dataclass(frozen=True)
class CallAttempt:
    """One try: who, when, and what it found (None while dialing)."""

    id: int
    task_id: int
    staff_user: int
    started_at: datetime
    outcome: CallOutcome | None
    call_back_at: datetime | None


class CallAttemptRepository:
    def __init__(self, engine: Connections) -> None:
        self._engine = engine

    async def start(self, task_id: int, user: int, now: datetime) -> int:
        """Open an attempt as the nurse takes the call (one per task and nurse at a time)."""
        async with self._engine.begin() as conn:
            found = await conn.execute(
                select(a.c.id).where(
                    a.c.task_id == task_id, a.c.staff_user == user, a.c.outcome.is_(None)
                )
            )
            existing = found.scalar()
            if existing is not None:
                return int(existing)
            added = await conn.execute(
                a.insert().values(task_id=task_id, staff_user=user, started_at=now)
            )
            return int(added.inserted_primary_key[0])  # type: ignore[index]

    async def open_of(self, task_id: int, user: int) -> int | None:
        """Return the nurse's attempt in progress on the task, if any."""
        query = select(a.c.id).where(
            a.c.task_id == task_id, a.c.staff_user == user, a.c.outcome.is_(None)
        )
        async with reading(self._engine) as conn:
            return (await conn.execute(query)).scalar()

    async def finish(
        self, attempt_id: int, outcome: CallOutcome, now: datetime, call_back_at: datetime | None
    ) -> None:
        """Record what the attempt found, audited; a reached call stays open (ended_at NULL)
        while the nurse relays the survey."""
        ended = None if outcome is CallOutcome.REACHED else now
        async with self._engine.begin() as conn:
            row = await conn.execute(
                update(a)
                .where(a.c.id == attempt_id)
                .values(outcome=outcome.value, ended_at=ended, call_back_at=call_back_at)
                .returning(a.c.staff_user, a.c.task_id)
            )
            user, task_id = row.one()
            actor, subject = Actor.staff(user), f"call_task:{task_id}"
            await write_audit(conn, now, actor, OUTCOME_ACTION, subject, outcome.value)

    async def drop_open(self, task_id: int, user: int) -> None:
        """Forget an attempt in progress that the nurse gave back without calling."""
        async with self._engine.begin() as conn:
            await conn.execute(
                delete(a).where(
                    a.c.task_id == task_id, a.c.staff_user == user, a.c.outcome.is_(None)
                )
            )

    async def drop_lapsed(self, task_id: int, user: int) -> None:
        """Forget the attempts others left in progress on a task whose claim lapsed (the
        call was never recorded) as this nurse takes it."""
        async with self._engine.begin() as conn:
            await conn.execute(
                delete(a).where(
                    a.c.task_id == task_id, a.c.staff_user != user, a.c.outcome.is_(None)
                )
            )

    async def of_task(self, task_id: int) -> list[CallAttempt]:
        """Return the task's finished attempts, oldest first."""
        query = (
            select(a.c.id, a.c.task_id, a.c.staff_user, a.c.started_at, a.c.outcome)
            .add_columns(a.c.call_back_at)
            .where(a.c.task_id == task_id, a.c.outcome.is_not(None))
            .order_by(a.c.started_at, a.c.id)
        )
        async with reading(self._engine) as conn:
            rows = (await conn.execute(query)).all()
        return [CallAttempt(r[0], r[1], r[2], r[3], CallOutcome(r[4]), r[5]) for r in rows]


async def forget_calls(conn: AsyncConnection, patient_id: int, now: datetime) -> None:
    """Erase a patient's calls inside the erasure's transaction: open tasks cancelled, the
    notes typed on their calls and on the quality reviews of them removed (outcomes and
    times stay, for the statistics)."""
    stays = select(episodes.c.id).where(episodes.c.patient_id == patient_id)
    tasks = select(call_tasks.c.id).where(call_tasks.c.episode_id.in_(stays))
    await conn.execute(
        update(call_tasks)
        .where(call_tasks.c.id.in_(tasks), call_tasks.c.status == CallStatus.OPEN.value)
        .values(status=CallStatus.CANCELLED.value, closed_at=now, claimed_by=None,
                claimed_until=None)
    )  # fmt: skip
    attempts = select(a.c.id).where(a.c.task_id.in_(tasks))
    await conn.execute(update(a).where(a.c.id.in_(attempts)).values(note=None, contact_id=None))
    await conn.execute(
        update(call_reviews).where(call_reviews.c.attempt_id.in_(attempts)).values(note=None)
    )
