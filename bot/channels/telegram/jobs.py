"""The JobQueue's periodic callbacks: the dispatcher tick and the worklist's upkeep, given the
running bot's services."""

from __future__ import annotations

import logging

from bot.channels.telegram.context import AppContext
from bot.dispatch.jobs import dispatch_tick, worklist_tick

log = logging.getLogger(__name__)


async def on_dispatch_job(context: AppContext) -> None:
    """Run one dispatcher tick (the JobQueue calls this every FOLLOWUP_DISPATCH_INTERVAL);
    stop the bot when the start check has found the database damaged."""
    if context.services.start_check.failed:
        log.error("the start check found the database damaged: stopping (see followup restore)")
        context.application.stop_running()
        return
    await dispatch_tick(context.services)


async def on_worklist_job(context: AppContext) -> None:
    """Keep the phone worklist true (the JobQueue calls this beside the dispatcher's job)."""
    await worklist_tick(context.services)
