"""The statistics queries: one pass of aggregate SQL per figure, scoped by period and department."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Integer, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.domain.stats import Satisfaction, Stats, StepReplies, rank_departments
from bot.storage.schema import (
    cases,
    consent_events,
    contacts,
    departments,
    episodes,
    scheduled_messages,
    step_answers,
    survey_answers,
    survey_sessions,
)

m = scheduled_messages
OVERALL = "satisfaction_hospital"


@dataclass(frozen=True)
class Scope:
    start: datetime
    end: datetime
    department_id: int | None = None

    def episodes(self) -> list[ColumnElement[bool]]:
        """Episodes discharged in the period (and department)."""
        found = [episodes.c.discharged_at >= self.start, episodes.c.discharged_at < self.end]
        if self.department_id is not None:
            found.append(episodes.c.department_id == self.department_id)
        return found

    def cases(self) -> list[ColumnElement[bool]]:
        """Cases raised in the period (and department)."""
        found = [cases.c.created_at >= self.start, cases.c.created_at < self.end]
        if self.department_id is not None:
            found.append(episodes.c.department_id == self.department_id)
        return found


class StatsRepository:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def compute(self, scope: Scope, measures: dict[str, str]) -> Stats:
        """Compute every figure for a scope; `measures` maps question keys to what they measure."""
        stats = Stats()
        async with self._engine.connect() as conn:
            await _patients(conn, scope, stats)
            await _follow_up(conn, scope, stats)
            await _answers(conn, scope, measures, stats)
            await _cases(conn, scope, stats)
            await _reminders(conn, scope, stats)
        return stats


async def _count(conn: AsyncConnection, query: Any) -> int:
    return int((await conn.execute(query)).scalar() or 0)


async def _patients(conn: AsyncConnection, scope: Scope, stats: Stats) -> None:
    where = scope.episodes()
    stats.discharged = await _count(conn, select(func.count()).select_from(episodes).where(*where))
    eligible = [*where, episodes.c.consent.is_(True), episodes.c.exclusion.is_(None)]
    stats.eligible = await _count(conn, select(func.count()).select_from(episodes).where(*eligible))
    query = (
        select(episodes.c.exclusion, func.count())
        .where(*where, episodes.c.exclusion.is_not(None))
        .group_by(episodes.c.exclusion)
    )
    stats.excluded = {reason: n for reason, n in (await conn.execute(query)).all()}
    enrolled = (
        select(func.count(distinct(contacts.c.episode_id)))
        .select_from(
            contacts.join(episodes, episodes.c.id == contacts.c.episode_id).join(
                consent_events, consent_events.c.contact_id == contacts.c.id
            )
        )
        .where(*where, consent_events.c.decision == "granted")
    )
    stats.enrolled = await _count(conn, enrolled)


async def _follow_up(conn: AsyncConnection, scope: Scope, stats: Stats) -> None:
    joined = m.join(episodes, episodes.c.id == m.c.episode_id)
    checkins = [*scope.episodes(), m.c.kind == "checkin"]
    distinct_episodes = select(func.count(distinct(m.c.episode_id))).select_from(joined)
    stats.followed_up = await _count(conn, distinct_episodes.where(*checkins, m.c.tries >= 1))
    stats.reached = await _count(conn, distinct_episodes.where(*checkins, m.c.status == "answered"))
    failed = (
        select(m.c.failure_reason, func.count())
        .select_from(joined)
        .where(*checkins, m.c.status == "failed")
        .group_by(m.c.failure_reason)
    )
    stats.failed = {reason or "unknown": n for reason, n in (await conn.execute(failed)).all()}
    missed = (
        select(func.count()).select_from(joined).where(*scope.episodes(), m.c.status == "missed")
    )
    stats.missed = await _count(conn, missed)
    steps = (
        select(
            m.c.step_key,
            func.sum((m.c.tries >= 1).cast(Integer)),
            func.sum((m.c.status == "answered").cast(Integer)),
        )
        .select_from(joined)
        .where(*checkins)
        .group_by(m.c.step_key)
        .order_by(m.c.step_key)
    )
    stats.steps = [
        StepReplies(step, int(sent or 0), int(answered or 0))
        for step, sent, answered in (await conn.execute(steps)).all()
    ]


async def _answers(
    conn: AsyncConnection, scope: Scope, measures: dict[str, str], stats: Stats
) -> None:
    joined = (
        survey_answers.join(survey_sessions)
        .join(episodes, episodes.c.id == survey_sessions.c.episode_id)
        .join(departments, departments.c.id == episodes.c.department_id)
    )
    query = (
        select(survey_answers.c.question, survey_answers.c.value, departments.c.name, func.count())
        .select_from(joined)
        .where(*scope.episodes(), survey_answers.c.question.in_(list(measures)))
        .group_by(survey_answers.c.question, survey_answers.c.value, departments.c.name)
    )
    by_department: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for question, value, department, count in (await conn.execute(query)).all():
        measure = measures[question]
        if measure == "nps":
            if value.isdigit():
                stats.nps_scores.extend([int(value)] * count)
            continue
        counts = stats.satisfaction.setdefault(measure, Satisfaction()).counts
        counts[value] = counts.get(value, 0) + count
        if measure == OVERALL:
            by_department[department][0] += count if value == "satisfied" else 0
            by_department[department][1] += count
    stats.departments = rank_departments({d: (g, t) for d, (g, t) in by_department.items()})


async def _cases(conn: AsyncConnection, scope: Scope, stats: Stats) -> None:
    joined = cases.join(episodes, episodes.c.id == cases.c.episode_id)
    query = select(
        cases.c.kind,
        cases.c.due_at,
        cases.c.answered_at,
        cases.c.answer_overdue_at,
        cases.c.created_at,
        cases.c.acknowledged_at,
    ).select_from(joined)
    for kind, due, answered, overdue, created, acknowledged in (
        await conn.execute(query.where(*scope.cases()))
    ).all():
        if kind == "complaint":
            stats.complaints += 1
            stats.complaints_answered += answered is not None
            stats.complaints_on_time += bool(answered and due and answered <= due)
            stats.complaints_overdue += overdue is not None
        elif kind == "praise":
            stats.praise += 1
        elif kind == "red_flag":
            stats.red_flags += 1
            if acknowledged is not None:
                stats.red_flag_ack_minutes.append((acknowledged - created).total_seconds() / 60)


async def _reminders(conn: AsyncConnection, scope: Scope, stats: Stats) -> None:
    joined = m.join(episodes, episodes.c.id == m.c.episode_id).outerjoin(
        step_answers, step_answers.c.message_id == m.c.id
    )
    query = (
        select(m.c.id, m.c.kind, m.c.status, step_answers.c.answer)
        .select_from(joined)
        .where(
            *scope.episodes(),
            m.c.kind.in_(("medication", "reexam_reminder")),
            m.c.status.in_(("sent", "answered")),
        )
        .order_by(m.c.id, step_answers.c.id)
    )
    final: dict[int, tuple[str, str | None]] = {}
    for row_id, kind, _status, answer in (await conn.execute(query)).all():
        keep = final.get(row_id, (kind, None))[1]
        if answer in ("taken", "skipped", "confirmed", "reschedule", "attended"):
            keep = answer
        final[row_id] = (kind, keep)
    for kind, answer in final.values():
        bucket = stats.medication if kind == "medication" else stats.reexam
        key = answer or "unanswered"
        bucket[key] = bucket.get(key, 0) + 1
