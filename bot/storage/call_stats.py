"""The call figures and the follow-up rate over all discharges: aggregate SQL over the
period's stays and calls; the quality sample's draws and verdicts (call_samples)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, case, exists, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.call_figures import CallBacks, Coverage, ReCalls, SampleCounts, Workload
from bot.domain.calls import RETRIED_OUTCOMES, CallReason, CallStatus, ReviewVerdict
from bot.domain.special_groups import SpecialGroups
from bot.storage import call_coverage, call_samples
from bot.storage.call_samples import SampledCall
from bot.storage.connections import Connections, reading
from bot.storage.schema import (
    call_attempts,
    call_reviews,
    call_tasks,
    cases,
    staff_members,
)
from bot.storage.stats_scope import Scope
from bot.storage.tallies import rebuild_if_needed

a, t = call_attempts, call_tasks
RETRIED = tuple(outcome.value for outcome in RETRIED_OUTCOMES)


def _sum(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _in_period(column: Any, scope: Scope) -> list[ColumnElement[bool]]:
    found = [column >= scope.start, column < scope.end]
    if scope.department_id is not None:
        found.append(t.c.department_id == scope.department_id)
    return found


class CallStatsRepository:
    def __init__(self, engine: Connections) -> None:
        self._engine = engine

    async def coverage(
        self, scope: Scope, groups: SpecialGroups
    ) -> tuple[list[Coverage], Coverage]:
        """Return each department's discharged and reached stays (by name), and the special
        groups' across the scope."""
        await rebuild_if_needed(self._engine, datetime.now(UTC))  # each stay's channels, once
        counts: call_coverage.Counts = {}
        found = await self._side_by_side(call_coverage.parts(scope, groups, counts))
        async with reading(self._engine) as conn:
            return await call_coverage.named(conn, counts), found[-1]

    async def _side_by_side(self, parts: tuple[call_coverage.Part, ...]) -> list[Any]:
        """Run the queries each on its own read-only connection, side by side (the database
        works on several cores); in a unit of work, one after the other on its connection."""
        if isinstance(self._engine, AsyncEngine):
            return list(await asyncio.gather(*(self._read(part) for part in parts)))
        return [await self._read(part) for part in parts]

    async def _read(self, part: call_coverage.Part) -> Any:
        async with reading(self._engine) as conn:
            return await part(conn)

    async def workload(self, scope: Scope) -> list[Workload]:
        """Return each staff member's finished attempts in the period, by outcome, by name."""
        query = (
            select(a.c.staff_user, a.c.outcome, func.count())
            .select_from(a.join(t, t.c.id == a.c.task_id))
            .where(*_in_period(a.c.started_at, scope), a.c.outcome.is_not(None))
            .group_by(a.c.staff_user, a.c.outcome)
        )
        async with reading(self._engine) as conn:
            rows = (await conn.execute(query)).all()
            who = select(staff_members.c.user_id, staff_members.c.name).where(
                staff_members.c.user_id.in_({row[0] for row in rows})
            )
            names = {row.user_id: row.name for row in await conn.execute(who)}
        found: dict[int, Workload] = {}
        for user, outcome, count in rows:
            figures = found.setdefault(user, Workload(names.get(user) or str(user)))
            figures.outcomes[str(outcome)] = int(count)
        return sorted(found.values(), key=lambda w: w.name)

    async def call_backs(self, scope: Scope) -> CallBacks:
        """Return the minutes from each red flag raised in the period to its first call, and
        how many red flags still wait for one."""
        first = select(func.min(a.c.started_at)).where(a.c.task_id == t.c.id).scalar_subquery()
        query = (
            select(cases.c.created_at, first, t.c.status)
            .select_from(t.join(cases, cases.c.id == t.c.case_id))
            .where(t.c.reason == CallReason.RED_FLAG.value, *_in_period(cases.c.created_at, scope))
        )
        found = CallBacks()
        async with reading(self._engine) as conn:
            rows = (await conn.execute(query)).all()
        for raised, called, status in rows:
            if called is not None:
                found.minutes.append((called - raised).total_seconds() / 60)
            else:
                found.waiting += status == CallStatus.OPEN
        return found

    async def re_calls(self, scope: Scope) -> ReCalls:
        """Return the tasks whose calls found no one in the period: how many were called again
        after it before the period ended, how many still wait."""
        missed = (
            select(a.c.task_id, func.min(a.c.started_at).label("first_unanswered"))
            .select_from(a.join(t, t.c.id == a.c.task_id))
            .where(*_in_period(a.c.started_at, scope), a.c.outcome.in_(RETRIED))
            .group_by(a.c.task_id)
            .subquery()
        )
        again = call_attempts.alias("again")
        later = exists().where(
            again.c.task_id == missed.c.task_id,
            again.c.started_at > missed.c.first_unanswered,
            again.c.started_at < scope.end,
        )
        query = select(
            func.count(), _sum(later), _sum(t.c.status == CallStatus.OPEN.value)
        ).select_from(missed.join(t, t.c.id == missed.c.task_id))
        async with reading(self._engine) as conn:
            row = (await conn.execute(query)).one()
        return ReCalls(*(int(value or 0) for value in row))

    async def sample_counts(self, scope: Scope) -> SampleCounts:
        """Return the calls sampled in the period, and how many passed or need work."""
        r = call_reviews
        query = select(
            func.count(),
            _sum(r.c.verdict == ReviewVerdict.PASS.value),
            _sum(r.c.verdict == ReviewVerdict.NEEDS_WORK.value),
        ).select_from(r.join(a, a.c.id == r.c.attempt_id).join(t, t.c.id == a.c.task_id))
        async with reading(self._engine) as conn:
            row = (await conn.execute(query.where(*_in_period(r.c.sampled_at, scope)))).one()
        return SampleCounts(*(int(value or 0) for value in row))

    async def draw_sample(
        self, user_id: int, department_id: int | None, since: datetime, now: datetime, n: int
    ) -> list[SampledCall]:
        """Draw up to n finished calls since `since`, never sampled before, at random; keep
        them as sampled by the user and return them."""
        async with self._engine.begin() as conn:
            return await call_samples.draw(conn, user_id, department_id, since, now, n)

    async def judge(
        self, attempt_id: int, user_id: int, verdict: ReviewVerdict, now: datetime
    ) -> bool:
        """Record the user's verdict on a call they sampled; False if it is not theirs."""
        async with self._engine.begin() as conn:
            return await call_samples.judge(conn, attempt_id, user_id, verdict, now)

    async def note(self, attempt_id: int, user_id: int, note: str) -> bool:
        """Keep the user's note on a call they judged; False if it is not theirs."""
        async with self._engine.begin() as conn:
            return await call_samples.note(conn, attempt_id, user_id, note)
