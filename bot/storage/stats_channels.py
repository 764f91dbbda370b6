"""Statistics per channel: the stays followed up and reached on each channel."""

from __future__ import annotations

from sqlalchemy import case, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.channel_messages import ChannelName
from bot.domain.messages import MessageKind, MessageStatus
from bot.domain.stats import ChannelFigures, Stats
from bot.storage.schema import contacts, episodes, scheduled_messages
from bot.storage.stats_scope import Scope

m = scheduled_messages
# Always shown, in this order, even when nobody was reached on them; others follow if used.
SHOWN_CHANNELS = (ChannelName.TELEGRAM, ChannelName.WECHAT, ChannelName.SMS)


async def channel_figures(conn: AsyncConnection, scope: Scope, stats: Stats) -> None:
    """Count per channel the stays sent a check-in (followed up) and that answered one."""
    answered = case((m.c.status == MessageStatus.ANSWERED.value, m.c.episode_id))
    query = (
        select(
            contacts.c.channel,
            func.count(distinct(m.c.episode_id)),
            func.count(distinct(answered)),
        )
        .select_from(
            m.join(contacts, contacts.c.id == m.c.contact_id).join(
                episodes, episodes.c.id == m.c.episode_id
            )
        )
        .where(*scope.episodes(), m.c.kind == MessageKind.CHECKIN.value, m.c.tries >= 1)
        .group_by(contacts.c.channel)
    )
    found = {
        str(channel): ChannelFigures(str(channel), int(followed), int(reached))
        for channel, followed, reached in (await conn.execute(query)).all()
    }
    shown = [found.pop(name.value, ChannelFigures(name.value)) for name in SHOWN_CHANNELS]
    stats.channels = shown + [found[name] for name in sorted(found)]
