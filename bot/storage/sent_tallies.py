"""The counts of check-ins just sent, kept for a whole batch at once: the dispatcher sends
hundreds a second, so a batch costs a handful of statements, not several per check-in."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.dml import ReturningInsert

from bot.storage.schema import (
    channel_tallies,
    contacts,
    episode_channels,
    episodes,
    scheduled_messages,
    step_tallies,
)
from bot.storage.tallies import bump, hour_of

m, ec = scheduled_messages, episode_channels
SentFacts = Row[int, int, str, str, str | None, str, datetime, int]


async def owned_facts(
    conn: AsyncConnection, ids: Collection[int], owner: str
) -> dict[int, SentFacts]:
    """Return, of these rows, those leased to owner, each with what its tallies are kept by
    (its kind, step, stay, plan, channel, discharge and department): one statement for a
    batch's outcomes."""
    query = (
        select(
            m.c.id,
            m.c.episode_id,
            m.c.kind,
            m.c.step_key,
            contacts.c.plan_key,
            contacts.c.channel,
            episodes.c.discharged_at,
            episodes.c.department_id,
        )
        .select_from(
            m.outerjoin(contacts, contacts.c.id == m.c.contact_id).outerjoin(
                episodes, episodes.c.id == m.c.episode_id
            )
        )
        .where(m.c.id.in_(list(ids)), m.c.lease_owner == owner)
    )
    return {row.id: row for row in (await conn.execute(query)).all()}


async def count_sent_checkins(
    conn: AsyncConnection, rows: Sequence[SentFacts], first: Collection[int], now: datetime
) -> None:
    """Of the check-ins sent (`owned_facts` rows), mark each one's stay followed up (overall
    and on its channel, the first time) and count each step's first send (rows in `first`)."""
    if not rows:
        return
    stays = {row.episode_id for row in rows}
    await conn.execute(
        update(episodes)
        .where(episodes.c.id.in_(stays), episodes.c.followed_up_at.is_(None))
        .values(followed_up_at=now)
    )
    await _count_channels(conn, rows, now)
    steps = Counter(
        (hour_of(r.discharged_at), r.department_id, r.plan_key or "", r.step_key)
        for r in rows
        if r.id in first
    )
    for (hour, department, plan, step), count in steps.items():
        key = {"hour": hour, "department_id": department, "plan_key": plan, "step_key": step}
        await bump(conn, step_tallies, key, {"sent": count, "answered": 0})


async def _count_channels(conn: AsyncConnection, rows: Sequence[Any], now: datetime) -> None:
    """Mark each stay followed up on its channel; count the stays marked for the first time."""
    stays = {(r.episode_id, r.channel): r for r in rows}
    marks = [{"stay": stay, "channel": channel, "now": now} for stay, channel in stays]
    marked = await conn.execute(_first_follow_up(conn.dialect.name), marks)
    firsts = [stays[(stay, channel)] for stay, channel in marked.all()]
    counts = Counter((hour_of(r.discharged_at), r.department_id, r.channel) for r in firsts)
    for (hour, department, channel), count in counts.items():
        key = {"hour": hour, "department_id": department, "channel": channel}
        await bump(conn, channel_tallies, key, {"followed_up": count, "reached": 0})


@functools.cache
def _first_follow_up(dialect_name: str) -> ReturningInsert[int, str]:
    """The upsert marking a stay followed up on a channel, returning it when it was not yet:
    one statement, compiled once, whatever the number of stays (run as an executemany)."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    upsert = dialect.insert(ec).values(
        episode_id=bindparam("stay"), channel=bindparam("channel"), followed_up_at=bindparam("now")
    )
    marking: ReturningInsert[int, str] = upsert.on_conflict_do_update(
        index_elements=[ec.c.episode_id, ec.c.channel],
        set_={"followed_up_at": upsert.excluded.followed_up_at},
        where=ec.c.followed_up_at.is_(None),
    ).returning(ec.c.episode_id, ec.c.channel)
    return marking
