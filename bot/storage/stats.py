"""The statistics queries: one pass of aggregate SQL per figure, scoped by period and department."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal_column, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.domain.cases import CaseKind
from bot.domain.messages import MessageKind, MessageStatus
from bot.domain.patient_facts import PATIENT_LEVEL_EXCLUSIONS, PatientFact
from bot.domain.stats import (
    DepartmentFigures,
    Satisfaction,
    Stats,
    StepReplies,
    rank_departments,
)
from bot.storage.connections import Connections, reading
from bot.storage.schema import (
    answer_tallies,
    cases,
    departments,
    episodes,
    failure_tallies,
    patients,
    scheduled_messages,
    step_tallies,
)
from bot.storage.schema.people import WITH_FACT
from bot.storage.stats_channels import channel_figures
from bot.storage.stats_scope import Scope as Scope  # where callers have long found it
from bot.storage.tallies import rebuild_if_needed

m = scheduled_messages
OVERALL = "satisfaction_hospital"
REMINDER_KINDS = (MessageKind.MEDICATION.value, MessageKind.REEXAM_REMINDER.value)
REACHED = (MessageStatus.SENT.value, MessageStatus.ANSWERED.value)


Part = Callable[[AsyncConnection], Awaitable[None]]  # one group of figures, read on a connection


class StatsRepository:
    def __init__(self, engine: Connections) -> None:
        self._engine = engine

    async def compute(
        self, scope: Scope, measures: dict[str, str], min_answers: int, *, trend: bool = False
    ) -> Stats:
        """Compute every figure for a scope; `measures` maps question keys to what they measure;
        a department is ranked from `min_answers` overall satisfaction answers on. A trend's
        month (`trend`) needs only the stays and the answers: the other figures stay empty."""
        stats = Stats()
        await rebuild_if_needed(self._engine, datetime.now(UTC))
        by_department: dict[str, DepartmentFigures] = {}
        parts: tuple[Part, ...] = (
            lambda conn: _patients(conn, scope, stats, by_department),
            lambda conn: _answers(conn, scope, measures, stats, by_department),
        )
        if not trend:
            parts += (
                lambda conn: _follow_up(conn, scope, stats),
                lambda conn: _cases(conn, scope, stats, by_department),
                lambda conn: _reminders(conn, scope, stats),
                lambda conn: channel_figures(conn, scope, stats),
            )
        if isinstance(self._engine, AsyncEngine):
            # Each part reads its own figures on its own read-only connection, side by side
            # (the database works on several cores); each adds only its own figures.
            await asyncio.gather(*(self._read(part) for part in parts))
        else:  # one unit of work's connection: one part after the other
            async with reading(self._engine) as conn:
                for part in parts:
                    await part(conn)
        stats.departments = rank_departments(by_department.values(), min_answers)
        return stats

    async def _read(self, part: Part) -> None:
        async with reading(self._engine) as conn:
            await part(conn)

    async def departments(self) -> list[tuple[int, str]]:
        """Return every department as (id, name), by name."""
        async with reading(self._engine) as conn:
            listed = await conn.execute(departments.select().order_by(departments.c.name))
            return [(row.id, row.name) for row in listed]

    async def department_id(self, name: str) -> int | None:
        """Return the id of a department by name (surrounding spaces ignored)."""
        query = select(departments.c.id).where(departments.c.name == name.strip())
        async with reading(self._engine) as conn:
            return (await conn.execute(query)).scalar()


async def _count(conn: AsyncConnection, query: Any) -> int:
    return int((await conn.execute(query)).scalar() or 0)


def _flag(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _own_exclusion() -> Any:
    """What a stay's import row said keeps it from follow-up; a death or dispute there is
    decided by the patient's fact instead (a settled dispute no longer counts)."""
    return case(
        (episodes.c.exclusion.in_(PATIENT_LEVEL_EXCLUSIONS), None), else_=episodes.c.exclusion
    )


async def _patients(
    conn: AsyncConnection,
    scope: Scope,
    stats: Stats,
    by_department: dict[str, DepartmentFigures],
) -> None:
    """Stays by what became of them, per department, from the episodes alone (a covering
    index; departments named after); then the few stays of patients who died or are in
    dispute, whose fact outranks the stay's reason."""
    where = scope.episodes()
    own = _own_exclusion()
    counts = (
        select(
            episodes.c.department_id,
            func.count(),
            _flag(and_(episodes.c.consent.is_(True), own.is_(None))),
            _flag(episodes.c.enrolled_at.is_not(None)),
            _flag(episodes.c.followed_up_at.is_not(None)),
            _flag(episodes.c.reached_at.is_not(None)),
        )
        .where(*where)
        .group_by(episodes.c.department_id)
    )
    per_department = [
        (department_id, [int(value or 0) for value in values])
        for department_id, *values in (await conn.execute(counts)).all()
    ]
    totals = [sum(values[i] for _, values in per_department) for i in range(5)]
    stats.discharged, stats.eligible, stats.enrolled, stats.followed_up, stats.reached = totals
    await _name_departments(conn, per_department, by_department)
    named = own.label("reason")  # grouped by name: PostgreSQL sees two CASEs as different
    query = select(named, func.count()).where(*where, own.is_not(None))
    rows = (await conn.execute(query.group_by(literal_column("reason")))).all()
    excluded = {str(name): int(n) for name, n in rows}
    with_fact = select(patients.c.id).where(WITH_FACT)  # a partial index: these alone
    facts = (
        select(patients.c.deceased_at.is_not(None), episodes.c.consent, own)
        .select_from(episodes.join(patients, patients.c.id == episodes.c.patient_id))
        .where(*where, episodes.c.patient_id.in_(with_fact))
    )
    for deceased, consent, reason in (await conn.execute(facts)).all():
        fact = PatientFact.DECEASED if deceased else PatientFact.DISPUTE
        excluded[fact.value] = excluded.get(fact.value, 0) + 1
        if reason is None:
            stats.eligible -= bool(consent)
        else:
            excluded[reason] -= 1
    stats.excluded = {reason: n for reason, n in excluded.items() if n}


async def _department_names(conn: AsyncConnection, ids: set[int]) -> dict[int, str]:
    """Name departments after a count grouped by their ids (cheaper than joining each row)."""
    names = select(departments.c.id, departments.c.name).where(departments.c.id.in_(ids))
    return {row.id: row.name for row in await conn.execute(names)}


async def _name_departments(
    conn: AsyncConnection,
    per_department: list[tuple[int, list[int]]],
    by_department: dict[str, DepartmentFigures],
) -> None:
    """Keep each department's stays (discharged, followed up, reached) under its name."""
    name_of = await _department_names(conn, {department_id for department_id, _ in per_department})
    for department_id, (discharged, _eligible, _enrolled, followed_up, reached) in per_department:
        name = name_of[department_id]
        figures = by_department.setdefault(name, DepartmentFigures(name))
        figures.discharged, figures.followed_up, figures.reached = discharged, followed_up, reached


async def _follow_up(conn: AsyncConnection, scope: Scope, stats: Stats) -> None:
    joined = m.join(episodes, episodes.c.id == m.c.episode_id)
    f = failure_tallies
    failed = select(f.c.reason, func.sum(f.c.count)).where(*scope.tallies(f)).group_by(f.c.reason)
    stats.failed = {reason: int(n) for reason, n in (await conn.execute(failed)).all() if n}
    for status in (MessageStatus.MISSED, MessageStatus.SUPERSEDED):
        query = select(func.count()).select_from(joined).where(m.c.status == status.value)
        setattr(stats, status.value, await _count(conn, query.where(*scope.episodes())))
    t = step_tallies
    steps = (
        select(t.c.plan_key, t.c.step_key, func.sum(t.c.sent), func.sum(t.c.answered))
        .where(*scope.tallies(t))
        .group_by(t.c.plan_key, t.c.step_key)
    )
    rows = [
        StepReplies(plan, step, int(sent or 0), int(answered or 0))
        for plan, step, sent, answered in (await conn.execute(steps)).all()
    ]
    stats.steps = sorted(  # steps sent at least once, by plan, day3 before day30
        (row for row in rows if row.sent), key=lambda row: (row.plan, _natural(row.step))
    )


def _natural(text: str) -> list[tuple[int, int | str]]:
    """A sort key that puts day7 before day30."""
    return [(0, int(part)) if part.isdecimal() else (1, part) for part in re.split(r"(\d+)", text)]


async def _answers(
    conn: AsyncConnection,
    scope: Scope,
    measures: dict[str, str],
    stats: Stats,
    by_department: dict[str, DepartmentFigures],
) -> None:
    t = answer_tallies
    query = (
        select(t.c.question, t.c.value, t.c.department_id, func.sum(t.c.count))
        .where(*scope.tallies(t), t.c.question.in_(list(measures)))
        .group_by(t.c.question, t.c.value, t.c.department_id)
    )
    rows = (await conn.execute(query)).all()
    name_of = await _department_names(conn, {row[2] for row in rows})
    for question, value, department_id, total in rows:
        department = name_of[department_id]
        count = int(total)
        measure = measures[question]
        if measure == "nps":
            if value.isdigit():
                stats.nps_counts[int(value)] = stats.nps_counts.get(int(value), 0) + count
            continue
        counts = stats.satisfaction.setdefault(measure, Satisfaction()).counts
        counts[value] = counts.get(value, 0) + count
        if measure == OVERALL:
            figures = by_department.setdefault(department, DepartmentFigures(department))
            figures.satisfied += count if value == "satisfied" else 0
            figures.answers += count


async def _cases(
    conn: AsyncConnection,
    scope: Scope,
    stats: Stats,
    by_department: dict[str, DepartmentFigures],
) -> None:
    joined = cases.join(episodes, episodes.c.id == cases.c.episode_id).join(
        departments, departments.c.id == episodes.c.department_id
    )
    query = select(
        departments.c.name,
        cases.c.kind,
        cases.c.due_at,
        cases.c.answered_at,
        cases.c.answer_overdue_at,
        cases.c.created_at,
        cases.c.acknowledged_at,
        cases.c.ack_due_at,
        cases.c.ack_overdue_at,
    ).select_from(joined)
    rows = (await conn.execute(query.where(*scope.cases()))).all()
    for department, kind, due, answered, overdue, *red_flag in rows:
        created, acknowledged, ack_due, ack_overdue = red_flag
        if kind == CaseKind.COMPLAINT:
            on_time = bool(answered and due and answered <= due)
            stats.complaints += 1
            stats.complaints_answered += answered is not None
            stats.complaints_on_time += on_time
            stats.complaints_overdue += overdue is not None
            figures = by_department.setdefault(department, DepartmentFigures(department))
            figures.complaints += 1
            figures.complaints_on_time += on_time
        elif kind == CaseKind.PRAISE:
            stats.praise += 1
        elif kind == CaseKind.RED_FLAG:
            stats.red_flags += 1
            if acknowledged is not None:
                stats.red_flag_ack_minutes.append((acknowledged - created).total_seconds() / 60)
            late = bool(acknowledged and ack_due and acknowledged > ack_due)
            stats.red_flags_late += late or ack_overdue is not None


async def _reminders(conn: AsyncConnection, scope: Scope, stats: Stats) -> None:
    """Reminders sent, by their last final answer (kept on the row as it is answered)."""
    joined = m.join(episodes, episodes.c.id == m.c.episode_id)
    query = (
        select(m.c.kind, m.c.final_answer, func.count())
        .select_from(joined)
        .where(*scope.episodes(), m.c.kind.in_(REMINDER_KINDS), m.c.status.in_(REACHED))
        .group_by(m.c.kind, m.c.final_answer)
    )
    for kind, answer, count in (await conn.execute(query)).all():
        bucket = stats.medication if kind == MessageKind.MEDICATION else stats.reexam
        key = answer or "unanswered"
        bucket[key] = bucket.get(key, 0) + int(count)
