"""The periodic job: sweep unanswered check-ins, then send what is due."""

from __future__ import annotations

import logging

from bot.context import AppContext
from bot.dispatch.case_deadlines import sweep_cases
from bot.dispatch.sweeps import expire_unanswered
from bot.services.planning import replan_changed

log = logging.getLogger(__name__)


async def dispatch_tick(context: AppContext) -> None:
    """Run one dispatcher tick (the JobQueue calls this every FOLLOWUP_DISPATCH_INTERVAL)."""
    services = context.services
    await replan_changed(services.store, services.scheduling, services.clock.now())
    await expire_unanswered(services.store, services.scheduling.policy, services.clock.now())
    await services.store.surveys.expire(services.clock.now())
    await sweep_cases(context)
    stats = await services.dispatcher.run_once()
    if stats.sent or stats.failed or stats.retried or stats.missed:
        log.info(
            "dispatch: sent %d, retried %d, failed %d, missed %d",
            stats.sent,
            stats.retried,
            stats.failed,
            stats.missed,
        )
