"""The call figures and the follow-up rate over all discharges: aggregate SQL over the
period's stays and calls; the quality sample's draws and verdicts (call_samples)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.call_figures import CallBacks, Coverage, ReCalls, SampleCounts, Workload
from bot.domain.calls import RETRIED_OUTCOMES, CallOutcome, CallReason, CallStatus, ReviewVerdict
from bot.domain.channel_messages import ChannelName
from bot.domain.special_groups import SpecialGroups
from bot.domain.word_lists import fold
from bot.storage import call_samples
from bot.storage.call_samples import SampledCall
from bot.storage.connections import Connections
from bot.storage.schema import (
    call_attempts,
    call_reviews,
    call_tasks,
    cases,
    departments,
    episode_channels,
    episodes,
    staff_members,
)
from bot.storage.stats_scope import Scope
from bot.storage.tallies import rebuild_if_needed

a, t, ec = call_attempts, call_tasks, episode_channels
CHAT = (ChannelName.TELEGRAM.value, ChannelName.WECHAT.value, ChannelName.TEXT.value)
SMS_WEB = (ChannelName.SMS.value,)
RETRIED = tuple(outcome.value for outcome in RETRIED_OUTCOMES)


def _sum(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _reached_on(channels: tuple[str, ...]) -> ColumnElement[bool]:
    """The stay answered a check-in on one of these channels."""
    return exists().where(
        ec.c.episode_id == episodes.c.id, ec.c.channel.in_(channels), ec.c.reached_at.is_not(None)
    )


def _reached_by_phone() -> ColumnElement[bool]:
    """A call reached the patient (or their phone contact answered a check-in)."""
    called = exists().where(
        t.c.episode_id == episodes.c.id,
        a.c.task_id == t.c.id,
        a.c.outcome == CallOutcome.REACHED.value,
    )
    return or_(called, _reached_on((ChannelName.PHONE.value,)))


def special_condition(groups: SpecialGroups) -> ColumnElement[bool]:
    """The stay is in a special group: its plan listed, or a word in its flags or diagnosis."""
    found: list[ColumnElement[bool]] = []
    if groups.plans:
        found.append(episodes.c.plan.in_(groups.plans))
    for column, words in (
        (episodes.c.flags, groups.flag_keywords),
        (episodes.c.diagnosis, groups.diagnosis_keywords),
    ):
        found += [func.lower(column).contains(fold(w), autoescape=True) for w in words]
    return or_(*found) if found else false()


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
        reached = or_(episodes.c.reached_at.is_not(None), _reached_by_phone())
        special = special_condition(groups)
        query = (
            select(
                episodes.c.department_id,
                func.count(),
                _sum(reached),
                _sum(_reached_on(CHAT)),
                _sum(_reached_on(SMS_WEB)),
                _sum(_reached_by_phone()),
                _sum(special),
                _sum(and_(special, reached)),
            )
            .where(*scope.episodes())
            .group_by(episodes.c.department_id)
        )
        async with self._engine.connect() as conn:
            rows = (await conn.execute(query)).all()
            names = await _names(conn, {row[0] for row in rows})
        listed = [Coverage(names[row[0]], *_counts(row[1:6])) for row in rows]
        special_stays = Coverage("", sum(int(r[6]) for r in rows), sum(int(r[7]) for r in rows))
        return sorted(listed, key=lambda c: c.name), special_stays

    async def workload(self, scope: Scope) -> list[Workload]:
        """Return each staff member's finished attempts in the period, by outcome, by name."""
        query = (
            select(a.c.staff_user, a.c.outcome, func.count())
            .select_from(a.join(t, t.c.id == a.c.task_id))
            .where(*_in_period(a.c.started_at, scope), a.c.outcome.is_not(None))
            .group_by(a.c.staff_user, a.c.outcome)
        )
        async with self._engine.connect() as conn:
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
        async with self._engine.connect() as conn:
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
            select(a.c.task_id, func.min(a.c.started_at).label("missed"))
            .select_from(a.join(t, t.c.id == a.c.task_id))
            .where(*_in_period(a.c.started_at, scope), a.c.outcome.in_(RETRIED))
            .group_by(a.c.task_id)
            .subquery()
        )
        again = call_attempts.alias("again")
        later = exists().where(
            again.c.task_id == missed.c.task_id,
            again.c.started_at > missed.c.missed,
            again.c.started_at < scope.end,
        )
        query = select(
            func.count(), _sum(later), _sum(t.c.status == CallStatus.OPEN.value)
        ).select_from(missed.join(t, t.c.id == missed.c.task_id))
        async with self._engine.connect() as conn:
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
        async with self._engine.connect() as conn:
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


def _counts(values: Any) -> tuple[int, int, int, int, int]:
    """Discharged, reached, by chat, by SMS/web, by phone, as ints."""
    discharged, reached, chat, sms_web, phone = (int(value) for value in values)
    return discharged, reached, chat, sms_web, phone


async def _names(conn: AsyncConnection, ids: set[int]) -> dict[int, str]:
    query = select(departments.c.id, departments.c.name).where(departments.c.id.in_(ids))
    return {row.id: row.name for row in await conn.execute(query)}
