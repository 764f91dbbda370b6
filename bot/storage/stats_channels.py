"""Statistics per channel: the stays followed up and reached on each channel."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.channel_messages import ChannelName
from bot.domain.stats import ChannelFigures, Stats
from bot.storage.schema import channel_tallies
from bot.storage.stats_scope import Scope

t = channel_tallies
# Always shown, in this order, even when nobody was reached on them; others follow if used.
SHOWN_CHANNELS = (ChannelName.TELEGRAM, ChannelName.WECHAT, ChannelName.SMS, ChannelName.PHONE)


async def channel_figures(conn: AsyncConnection, scope: Scope, stats: Stats) -> None:
    """Count per channel the stays sent a check-in (followed up) and that answered one."""
    query = (
        select(t.c.channel, func.sum(t.c.followed_up), func.sum(t.c.reached))
        .where(*scope.tallies(t))
        .group_by(t.c.channel)
    )
    found = {
        str(channel): ChannelFigures(str(channel), int(followed or 0), int(reached or 0))
        for channel, followed, reached in (await conn.execute(query)).all()
    }
    shown = [found.pop(name.value, ChannelFigures(name.value)) for name in SHOWN_CHANNELS]
    stats.channels = shown + [found[name] for name in sorted(found)]
