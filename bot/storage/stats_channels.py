"""Statistics per channel: the stays followed up and reached on each channel."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.channel_messages import ChannelName
from bot.domain.stats import ChannelFigures, Stats
from bot.storage.schema import episode_channels, episodes
from bot.storage.stats_scope import Scope

ec = episode_channels
# Always shown, in this order, even when nobody was reached on them; others follow if used.
SHOWN_CHANNELS = (ChannelName.TELEGRAM, ChannelName.WECHAT, ChannelName.SMS)


async def channel_figures(conn: AsyncConnection, scope: Scope, stats: Stats) -> None:
    """Count per channel the stays sent a check-in (followed up) and that answered one."""
    query = (
        select(ec.c.channel, func.count(ec.c.followed_up_at), func.count(ec.c.reached_at))
        .select_from(ec.join(episodes, episodes.c.id == ec.c.episode_id))
        .where(*scope.episodes())
        .group_by(ec.c.channel)
    )
    found = {
        str(channel): ChannelFigures(str(channel), int(followed), int(reached))
        for channel, followed, reached in (await conn.execute(query)).all()
    }
    shown = [found.pop(name.value, ChannelFigures(name.value)) for name in SHOWN_CHANNELS]
    stats.channels = shown + [found[name] for name in sorted(found)]
