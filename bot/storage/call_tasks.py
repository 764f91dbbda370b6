"""The calls owed (call_tasks): added once per key, claimed by one nurse at a time, closed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, true, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Row

from bot.domain.calls import CallOutcome, CallReason, CallStatus
from bot.storage.connections import Connections, reading
from bot.storage.schema import call_tasks as t
from bot.storage.schema import cases

CLAIM_RACE_TRIES = 5  # candidates tried when other nurses take the first ones meanwhile


@dataclass(frozen=True)
class NewCallTask:
    """A call a rule owes: its key makes adding it twice add it once."""

    key: str
    episode_id: int
    department_id: int
    reason: CallReason
    priority: int
    due_at: datetime
    step: str | None = None
    case_id: int | None = None
    assignee: int | None = None  # the one nurse who may take it (None: any of the ward)


@dataclass(frozen=True)
class TaskAfter:
    """A task after an attempt: its status, tries used, last outcome, and when due again."""

    status: CallStatus
    tries: int
    outcome: CallOutcome | None
    due_at: datetime | None = None


@dataclass(frozen=True)
class CallTask:
    id: int
    key: str
    episode_id: int
    department_id: int
    reason: CallReason
    step: str | None
    case_id: int | None
    priority: int
    due_at: datetime
    claimed_by: int | None
    claimed_until: datetime | None
    tries: int
    status: CallStatus
    outcome: CallOutcome | None


def _task(row: Row[tuple[object, ...]]) -> CallTask:
    m = row._mapping
    return CallTask(
        m["id"], m["key"], m["episode_id"], m["department_id"], CallReason(m["reason"]),
        m["step"], m["case_id"], m["priority"], m["due_at"], m["claimed_by"],
        m["claimed_until"], m["tries"], CallStatus(m["status"]),
        None if m["outcome"] is None else CallOutcome(m["outcome"]),
    )  # fmt: skip


def _free(now: datetime) -> ColumnElement[bool]:
    return or_(t.c.claimed_until.is_(None), t.c.claimed_until <= now)


def _for(user: int) -> ColumnElement[bool]:
    """A task this nurse may take: assigned to no one, or to her (the task's assignee, else
    the assignee its case has now in the staff group)."""
    assignee = func.coalesce(t.c.assignee, cases.c.assignee_id)
    return or_(assignee.is_(None), assignee == user)


def _in(department_id: int | None) -> ColumnElement[bool]:
    return true() if department_id is None else t.c.department_id == department_id


class CallTaskRepository:
    def __init__(self, engine: Connections) -> None:
        self._engine = engine

    async def add(self, task: NewCallTask, now: datetime) -> bool:
        """Add a task unless one with its key exists; return whether it was added."""
        dialect = postgresql if self._engine.dialect.name == "postgresql" else sqlite
        values = {
            "key": task.key, "episode_id": task.episode_id,
            "department_id": task.department_id, "reason": task.reason.value,
            "step": task.step, "case_id": task.case_id, "priority": task.priority,
            "assignee": task.assignee,
            "due_at": task.due_at, "tries": 0, "status": CallStatus.OPEN.value,
            "created_at": now,
        }  # fmt: skip
        statement = dialect.insert(t).values(**values).on_conflict_do_nothing()
        async with self._engine.begin() as conn:
            return (await conn.execute(statement)).rowcount == 1

    async def get(self, task_id: int) -> CallTask | None:
        """Return one task."""
        async with reading(self._engine) as conn:
            row = (await conn.execute(select(t).where(t.c.id == task_id))).first()
        return None if row is None else _task(row)

    async def open_tasks(self) -> list[CallTask]:
        """Return every open task (the sweep checks they are still owed)."""
        query = select(t).where(t.c.status == CallStatus.OPEN.value).order_by(t.c.id)
        async with reading(self._engine) as conn:
            return [_task(row) for row in await conn.execute(query)]

    async def open_keys(self, keys: list[str]) -> set[str]:
        """Return which of these keys have a task already (open or closed)."""
        async with reading(self._engine) as conn:
            found = await conn.execute(select(t.c.key).where(t.c.key.in_(keys)))
            return set(found.scalars())

    async def open_for(self, episode_id: int, reason: CallReason) -> int | None:
        """Return the open task of a stay for this reason, if any."""
        query = select(t.c.id).where(
            t.c.episode_id == episode_id,
            t.c.reason == reason.value,
            t.c.status == CallStatus.OPEN.value,
        )
        async with reading(self._engine) as conn:
            return (await conn.execute(query.limit(1))).scalar_one_or_none()

    async def stays_owed(self, reason: CallReason) -> int:
        """Count the stays ever owed a call for this reason (open, done or closed)."""
        query = select(func.count(t.c.episode_id.distinct())).where(t.c.reason == reason.value)
        async with reading(self._engine) as conn:
            return int((await conn.execute(query)).scalar_one())

    async def held_by(self, user: int, now: datetime) -> CallTask | None:
        """Return the open task this nurse holds a live claim on, if any."""
        query = select(t).where(
            t.c.status == CallStatus.OPEN.value, t.c.claimed_by == user, t.c.claimed_until > now
        )
        async with reading(self._engine) as conn:
            row = (await conn.execute(query.order_by(t.c.id))).first()
        return None if row is None else _task(row)

    def _due(self, user: int, department_id: int | None, now: datetime) -> Select[tuple[int]]:
        return (
            select(t.c.id)
            .select_from(t.outerjoin(cases, cases.c.id == t.c.case_id))
            .where(t.c.status == CallStatus.OPEN.value, t.c.due_at <= now, _free(now))
            .where(_in(department_id), _for(user))
            .order_by(t.c.priority.desc(), t.c.due_at, t.c.id)
        )

    async def claim_next(
        self, user: int, department_id: int | None, now: datetime, until: datetime
    ) -> CallTask | None:
        """Claim the highest-priority, earliest-due free task in the department (None: all)
        until `until`; of two nurses claiming at once, each gets a different task."""
        for _ in range(CLAIM_RACE_TRIES):
            async with self._engine.begin() as conn:
                first = self._due(user, department_id, now).limit(1)
                task_id = (await conn.execute(first)).scalar()
                assert task_id is None or isinstance(task_id, int)
                if task_id is None:
                    return None
                claimed = await conn.execute(
                    update(t)
                    .where(t.c.id == task_id, t.c.status == CallStatus.OPEN.value, _free(now))
                    .values(claimed_by=user, claimed_until=until)
                )
            if claimed.rowcount == 1:
                return await self.get(task_id)
        return None

    async def release(self, task_id: int, user: int) -> None:
        """Give a claimed task back to the worklist."""
        async with self._engine.begin() as conn:
            await conn.execute(
                update(t)
                .where(t.c.id == task_id, t.c.claimed_by == user)
                .values(claimed_by=None, claimed_until=None)
            )

    async def due_between(self, department_id: int | None, start: datetime, end: datetime) -> int:
        """Count the open tasks that come due between start and end."""
        query = select(func.count()).where(
            t.c.status == CallStatus.OPEN.value,
            and_(t.c.due_at > start, t.c.due_at <= end),
            _in(department_id),
        )
        async with reading(self._engine) as conn:
            return int((await conn.execute(query)).scalar_one())

    async def settle(self, task_id: int, after: TaskAfter, now: datetime) -> None:
        """Record an attempt's effect on its task: closed, or due again; the claim released."""
        values: dict[str, object] = {
            "status": after.status.value, "claimed_by": None, "claimed_until": None,
            "tries": after.tries,
            "outcome": None if after.outcome is None else after.outcome.value,
        }  # fmt: skip
        if after.status is CallStatus.OPEN:
            assert after.due_at is not None
            values["due_at"] = after.due_at
        else:
            values["closed_at"] = now
        async with self._engine.begin() as conn:
            await conn.execute(
                update(t)
                .where(t.c.id == task_id, t.c.status == CallStatus.OPEN.value)
                .values(**values)
            )

    async def cancel(self, task_ids: list[int], now: datetime) -> None:
        """Cancel open tasks no longer owed."""
        if not task_ids:
            return
        async with self._engine.begin() as conn:
            await conn.execute(
                update(t)
                .where(t.c.id.in_(task_ids), t.c.status == CallStatus.OPEN.value)
                .values(status=CallStatus.CANCELLED.value, closed_at=now, claimed_by=None,
                        claimed_until=None)
            )  # fmt: skip
