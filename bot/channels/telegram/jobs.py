"""The JobQueue's periodic callbacks: the dispatcher tick and the worklist's upkeep, given the
running bot's services."""

from __future__ import annotations

from bot.channels.telegram.context import AppContext
from bot.dispatch.jobs import dispatch_tick, worklist_tick


async def on_dispatch_job(context: AppContext) -> None:
    """Run one dispatcher tick (the JobQueue calls this every FOLLOWUP_DISPATCH_INTERVAL)."""
    await dispatch_tick(context.services)


async def on_worklist_job(context: AppContext) -> None:
    """Keep the phone worklist true (the JobQueue calls this beside the dispatcher's job)."""
    await worklist_tick(context.services)
