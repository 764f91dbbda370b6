"""The JobQueue's periodic callback: the dispatcher tick, given the running bot's services."""

from __future__ import annotations

from bot.channels.telegram.context import AppContext
from bot.dispatch.jobs import dispatch_tick


async def on_dispatch_job(context: AppContext) -> None:
    """Run one dispatcher tick (the JobQueue calls this every FOLLOWUP_DISPATCH_INTERVAL)."""
    await dispatch_tick(context.services)
