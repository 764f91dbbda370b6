"""The weekly quality sample: finished calls drawn at random, and the verdicts given."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.calls import CallOutcome, ReviewVerdict
from bot.storage.schema import (
    call_attempts,
    call_reviews,
    call_tasks,
    episodes,
    patients,
    staff_members,
)

a, t, r = call_attempts, call_tasks, call_reviews


@dataclass(frozen=True)
class SampledCall:
    """One sampled call as the supervisor sees it."""

    attempt_id: int
    patient: str
    caller: str  # the staff member's name (their user id when none is on file)
    started_at: datetime
    outcome: CallOutcome
    note: str


async def draw(
    conn: AsyncConnection,
    user_id: int,
    department_id: int | None,
    since: datetime,
    now: datetime,
    n: int,
) -> list[SampledCall]:
    """Draw and keep up to n finished, never sampled calls ended since `since`."""
    query = (
        select(a.c.id)
        .select_from(a.join(t, t.c.id == a.c.task_id))
        .where(
            a.c.outcome.is_not(None),
            a.c.ended_at.is_not(None),
            a.c.ended_at >= since,
            a.c.ended_at <= now,
            ~exists().where(r.c.attempt_id == a.c.id),
        )
        .order_by(func.random())
        .limit(n)
    )
    if department_id is not None:
        query = query.where(t.c.department_id == department_id)
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    kept: list[int] = []
    for attempt_id in (await conn.execute(query)).scalars():
        row = {"attempt_id": attempt_id, "sampled_by": user_id, "sampled_at": now}
        inserted = await conn.execute(dialect.insert(r).values(row).on_conflict_do_nothing())
        if inserted.rowcount == 1:  # another supervisor's draw at the same moment kept it
            kept.append(attempt_id)
    return await details(conn, kept)


async def details(conn: AsyncConnection, attempt_ids: list[int]) -> list[SampledCall]:
    """Return the calls as a supervisor sees them, in the order they were made."""
    query = (
        select(a.c.id, patients.c.name, staff_members.c.name, a.c.staff_user)
        .add_columns(a.c.started_at, a.c.outcome, a.c.note)
        .select_from(
            a.join(t, t.c.id == a.c.task_id)
            .join(episodes, episodes.c.id == t.c.episode_id)
            .join(patients, patients.c.id == episodes.c.patient_id)
            .outerjoin(staff_members, staff_members.c.user_id == a.c.staff_user)
        )
        .where(a.c.id.in_(attempt_ids))
        .order_by(a.c.started_at, a.c.id)
    )
    return [
        SampledCall(
            row[0], row[1], row[2] or str(row[3]), row[4], CallOutcome(row[5]), row[6] or ""
        )
        for row in (await conn.execute(query)).all()
    ]


async def judge(
    conn: AsyncConnection, attempt_id: int, user_id: int, verdict: ReviewVerdict, now: datetime
) -> bool:
    """Record the verdict of the user who sampled the call; False if they did not."""
    changed = await conn.execute(
        update(r)
        .where(r.c.attempt_id == attempt_id, r.c.sampled_by == user_id)
        .values(verdict=verdict.value, reviewed_at=now)
    )
    return changed.rowcount == 1


async def note(conn: AsyncConnection, attempt_id: int, user_id: int, text: str) -> bool:
    """Keep the note of the user who judged the call; False if they did not."""
    changed = await conn.execute(
        update(r)
        .where(r.c.attempt_id == attempt_id, r.c.sampled_by == user_id, r.c.verdict.is_not(None))
        .values(note=text)
    )
    return changed.rowcount == 1
