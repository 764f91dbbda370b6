"""Counts kept as things happen, so statistics read small tables (see schema: *_tallies)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Table,
    and_,
    case,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.enrolment import ConsentDecision
from bot.domain.messages import FailureReason, MessageKind, MessageStatus
from bot.domain.step_answers import FINAL_ANSWERS
from bot.storage.connections import Connections, reading
from bot.storage.schema import (
    answer_tallies,
    channel_tallies,
    consent_events,
    contacts,
    episode_channels,
    episodes,
    failure_tallies,
    scheduled_messages,
    settings_cache,
    step_answers,
    step_tallies,
    survey_answers,
    survey_sessions,
)
from bot.storage.types import UTCDateTime

m, ec = scheduled_messages, episode_channels
EPISODE_MARKS = ("enrolled_at", "followed_up_at", "reached_at")
CHANNEL_MARKS = {"followed_up_at": "followed_up", "reached_at": "reached"}  # mark -> tally
VERSION_KEY, VERSION = "tallies_version", "5"  # 5: each stay's channels (episode_channels)


def hour_of(moment: datetime) -> datetime:
    """Return the UTC hour a discharge falls in (the tallies' time bucket)."""
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def stay_key(discharged_at: datetime, department_id: int) -> dict[str, Any]:
    """Return the key a stay is counted under: its hour of discharge and its department."""
    return {"hour": hour_of(discharged_at), "department_id": department_id}


async def _episode_key(conn: AsyncConnection, episode_id: int) -> dict[str, Any] | None:
    query = select(episodes.c.discharged_at, episodes.c.department_id).where(
        episodes.c.id == episode_id
    )
    row = (await conn.execute(query)).first()
    return None if row is None else stay_key(row.discharged_at, row.department_id)


async def bump(
    conn: AsyncConnection, table: Table, key: dict[str, Any], increments: dict[str, int]
) -> None:
    """Add to a tally's counts, its row made on first use. One upsert, so that two
    transactions counting under the same new key at once both count: on PostgreSQL the second
    waits for the first's row and adds to it (an update, then an insert when it found no row,
    failed there on the key the first had just inserted)."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    upsert = dialect.insert(table).values(**key, **increments)
    await conn.execute(
        upsert.on_conflict_do_update(
            index_elements=[table.c[name] for name in key],
            set_={name: table.c[name] + upsert.excluded[name] for name in increments},
        )
    )


async def count_answer(
    conn: AsyncConnection, stay: dict[str, Any], question: str, value: str
) -> None:
    """Count one survey answer of a stay (its key: stay_key)."""
    key = {**stay, "question": question, "value": value[:32]}
    await bump(conn, answer_tallies, key, {"count": 1})


async def count_step(
    conn: AsyncConnection,
    stay: dict[str, Any],
    plan_key: str | None,
    step_key: str,
    *,
    sent: int = 0,
    answered: int = 0,
) -> None:
    """Count a check-in step of a stay (its key: stay_key) under its contact's plan: sent
    for the first time, or answered."""
    step = {"plan_key": plan_key or "", "step_key": step_key}
    await bump(conn, step_tallies, {**stay, **step}, {"sent": sent, "answered": answered})


async def count_failure(
    conn: AsyncConnection, episode_id: int, reason: str | None, change: int = 1
) -> None:
    """Count a check-in that failed (or, with change=-1, one answered after all)."""
    key = await _episode_key(conn, episode_id)
    if key is not None:
        await bump(
            conn,
            failure_tallies,
            {**key, "reason": (reason or FailureReason.UNKNOWN.value)[:64]},
            {"count": change},
        )


async def mark_episode(conn: AsyncConnection, episode_id: int, mark: str, now: datetime) -> None:
    """Remember the first time an episode was enrolled, followed up or reached."""
    assert mark in EPISODE_MARKS
    await conn.execute(
        update(episodes)
        .where(episodes.c.id == episode_id, episodes.c[mark].is_(None))
        .values({mark: now})
    )


async def mark_channel(
    conn: AsyncConnection,
    episode_id: int,
    channel: str,
    stay: dict[str, Any],
    mark: str,
    now: datetime,
) -> None:
    """Remember the first time a stay (its key: stay_key) was followed up or reached on a
    channel, and count that stay once in its channel's tally."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    upsert = dialect.insert(ec).values(episode_id=episode_id, channel=channel, **{mark: now})
    first = await conn.execute(
        upsert.on_conflict_do_update(
            index_elements=[ec.c.episode_id, ec.c.channel],
            set_={mark: now},
            where=ec.c[mark].is_(None),
        )
    )
    if first.rowcount:
        counts = {"followed_up": 0, "reached": 0, CHANNEL_MARKS[mark]: 1}
        await bump(conn, channel_tallies, {**stay, "channel": channel}, counts)


# PostgreSQL's transactions do not queue on a row that does not exist yet: two recounts
# started at once (the figures and the rate of /stats read side by side, or two workers)
# are held in turn on this lock instead (SQLite's BEGIN IMMEDIATE already queues them).
RECOUNT_LOCK = 0x7461_6C6C  # any fixed number the project's other locks do not use


async def rebuild_if_needed(engine: Connections, now: datetime) -> bool:
    """Compute every count from the stored rows once (databases from before the tallies)."""
    query = select(settings_cache.c.value).where(settings_cache.c.key == VERSION_KEY)
    async with reading(engine) as conn:  # most calls: current, known without the write lock
        if (await conn.execute(query)).scalar() == VERSION:
            return False
    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":  # one recount at a time, across processes
            await conn.execute(select(func.pg_advisory_xact_lock(RECOUNT_LOCK)))
        if (await conn.execute(query)).scalar() == VERSION:  # another one was first
            return False
        await _rebuild(conn, now)
        await conn.execute(delete(settings_cache).where(settings_cache.c.key == VERSION_KEY))
        await conn.execute(
            insert(settings_cache).values(key=VERSION_KEY, value=VERSION, updated_at=now)
        )
    return True


def _hour(conn: AsyncConnection, column: Any) -> Any:
    """Truncate a stored UTC timestamp to its hour, in SQL, in each backend's own format."""
    if conn.dialect.name == "sqlite":
        return func.strftime("%Y-%m-%d %H:00:00.000000", column)
    return func.date_trunc("hour", column)


async def _rebuild(conn: AsyncConnection, now: datetime) -> None:
    await _recount_final_answers(conn)
    await conn.execute(delete(answer_tallies))
    await conn.execute(delete(step_tallies))
    await conn.execute(delete(failure_tallies))
    hour = _hour(conn, episodes.c.discharged_at)
    await _recount_channels(conn, hour, now)
    a, ss = survey_answers, survey_sessions
    answers = (
        select(hour, episodes.c.department_id, a.c.question, a.c.value, func.count())
        .select_from(a.join(ss).join(episodes, episodes.c.id == ss.c.episode_id))
        .group_by(hour, episodes.c.department_id, a.c.question, a.c.value)
    )
    await conn.execute(
        insert(answer_tallies).from_select(
            ["hour", "department_id", "question", "value", "count"], answers
        )
    )
    plan = func.coalesce(contacts.c.plan_key, "")
    steps = (
        select(
            hour,
            episodes.c.department_id,
            plan,
            m.c.step_key,
            func.sum(case((m.c.tries >= 1, 1), else_=0)),
            func.sum(case((_answered_here(), 1), else_=0)),
        )
        .select_from(
            m.join(episodes, episodes.c.id == m.c.episode_id).join(
                contacts, contacts.c.id == m.c.contact_id
            )
        )
        .where(m.c.kind == MessageKind.CHECKIN.value)
        .group_by(hour, episodes.c.department_id, plan, m.c.step_key)
    )
    t = step_tallies
    columns = [t.c.hour, t.c.department_id, t.c.plan_key, t.c.step_key, t.c.sent, t.c.answered]
    await conn.execute(insert(t).from_select(columns, steps))
    reason = func.coalesce(m.c.failure_reason, FailureReason.UNKNOWN.value)
    failures = (
        select(hour, episodes.c.department_id, reason, func.count())
        .select_from(m.join(episodes, episodes.c.id == m.c.episode_id))
        .where(m.c.kind == MessageKind.CHECKIN.value, m.c.status == MessageStatus.FAILED.value)
        .group_by(hour, episodes.c.department_id, reason)
    )
    await conn.execute(
        insert(failure_tallies).from_select(["hour", "department_id", "reason", "count"], failures)
    )
    checkins = select(m.c.episode_id).where(m.c.kind == MessageKind.CHECKIN.value)
    marks = {
        "followed_up_at": checkins.where(m.c.tries >= 1),
        "reached_at": checkins.where(m.c.status == MessageStatus.ANSWERED.value),
        "enrolled_at": select(contacts.c.episode_id)
        .select_from(contacts.join(consent_events))
        .where(consent_events.c.decision == ConsentDecision.GRANTED.value),
    }
    for mark, having in marks.items():
        await conn.execute(
            update(episodes)
            .where(episodes.c[mark].is_(None), episodes.c.id.in_(having))
            .values({mark: now})
        )


async def _recount_final_answers(conn: AsyncConnection) -> None:
    """Keep on each answered row its last answer that settled it, from the stored answers."""
    a = step_answers
    answer = (
        select(a.c.answer)
        .where(a.c.message_id == m.c.id, a.c.answer.in_(FINAL_ANSWERS))
        .order_by(a.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    answered = select(a.c.message_id)
    await conn.execute(update(m).where(m.c.id.in_(answered)).values(final_answer=answer))


def _answered_here() -> ColumnElement[bool]:
    """A row answered by its own contact (not settled by an answer in another chat), as the
    counts kept as answers come count it."""
    other = FailureReason.OTHER_CONTACT.value
    return and_(
        m.c.status == MessageStatus.ANSWERED.value,
        or_(m.c.failure_reason.is_(None), m.c.failure_reason != other),
    )


async def _recount_channels(conn: AsyncConnection, hour: Any, now: datetime) -> None:
    """Fill every stay's channels from the stored check-ins, then their tallies."""
    await conn.execute(delete(ec))
    await conn.execute(delete(channel_tallies))
    joined = m.join(contacts, contacts.c.id == m.c.contact_id)
    checkin = m.c.kind == MessageKind.CHECKIN.value
    sent = (
        select(m.c.episode_id, contacts.c.channel, literal(now, UTCDateTime()))
        .select_from(joined)
        .where(checkin, m.c.tries >= 1)
        .group_by(m.c.episode_id, contacts.c.channel)
    )
    await conn.execute(insert(ec).from_select(["episode_id", "channel", "followed_up_at"], sent))
    answered = (
        select(m.c.id)
        .select_from(joined)
        .where(
            m.c.episode_id == ec.c.episode_id,
            contacts.c.channel == ec.c.channel,
            checkin,
            _answered_here(),
        )
    )
    await conn.execute(update(ec).where(exists(answered)).values(reached_at=now))
    await _tally_channels(conn, hour)


async def _tally_channels(conn: AsyncConnection, hour: Any) -> None:
    """Count the stays followed up and reached per hour of discharge, department, channel."""
    tallied = (
        select(
            hour,
            episodes.c.department_id,
            ec.c.channel,
            func.count(ec.c.followed_up_at),
            func.count(ec.c.reached_at),
        )
        .select_from(ec.join(episodes, episodes.c.id == ec.c.episode_id))
        .group_by(hour, episodes.c.department_id, ec.c.channel)
    )
    t = channel_tallies
    columns = [t.c.hour, t.c.department_id, t.c.channel, t.c.followed_up, t.c.reached]
    await conn.execute(insert(t).from_select(columns, tallied))
