"""Each stay's channels: when it was first followed up and first reached on each (kept as
check-ins are sent and answered, so the statistics per channel read one small table)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, insert, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.messages import MessageKind, MessageStatus
from bot.storage.schema import contacts, episode_channels, scheduled_messages
from bot.storage.types import UTCDateTime

m, ec = scheduled_messages, episode_channels
CHANNEL_MARKS = ("followed_up_at", "reached_at")


async def mark_channel(conn: AsyncConnection, message_id: int, mark: str, now: datetime) -> None:
    """Remember the first time a check-in's stay was followed up or reached on its channel."""
    assert mark in CHANNEL_MARKS
    query = (
        select(m.c.episode_id, contacts.c.channel)
        .select_from(m.join(contacts, contacts.c.id == m.c.contact_id))
        .where(m.c.id == message_id)
    )
    row = (await conn.execute(query)).first()
    if row is None:
        return
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    key = {"episode_id": row.episode_id, "channel": row.channel}
    await conn.execute(dialect.insert(ec).values(**key).on_conflict_do_nothing())
    await conn.execute(
        update(ec)
        .where(ec.c.episode_id == row.episode_id, ec.c.channel == row.channel, ec.c[mark].is_(None))
        .values({mark: now})
    )


async def recount_channels(conn: AsyncConnection, now: datetime) -> None:
    """Fill every stay's channels from the stored check-ins (the tallies' recount)."""
    await conn.execute(ec.delete())
    joined = m.join(contacts, contacts.c.id == m.c.contact_id)
    sent = (
        select(m.c.episode_id, contacts.c.channel, literal(now, UTCDateTime()))
        .select_from(joined)
        .where(m.c.kind == MessageKind.CHECKIN.value, m.c.tries >= 1)
        .group_by(m.c.episode_id, contacts.c.channel)
    )
    await conn.execute(insert(ec).from_select(["episode_id", "channel", "followed_up_at"], sent))
    answered = (
        select(m.c.id)
        .select_from(joined)
        .where(
            m.c.episode_id == ec.c.episode_id,
            contacts.c.channel == ec.c.channel,
            m.c.kind == MessageKind.CHECKIN.value,
            m.c.status == MessageStatus.ANSWERED.value,
        )
    )
    await conn.execute(update(ec).where(exists(answered)).values(reached_at=now))
