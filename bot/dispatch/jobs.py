"""The periodic work: sweep unanswered check-ins and case deadlines, then send what is due;
keep the phone worklist true beside it."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.dispatch.case_deadlines import sweep_cases
from bot.dispatch.retention import prune_deliveries
from bot.dispatch.sweeps import expire_unanswered
from bot.domain.conversation_window import HELD_KEPT
from bot.services.container import Services
from bot.services.planning import extend_medicine_horizons, replan_changed
from bot.services.ports import SweepingChannel
from bot.services.red_flags import escalate_missed
from bot.services.sms_reach import reach_by_sms, sms_reach_enabled
from bot.services.worklist_upkeep import sweep_worklist

log = logging.getLogger(__name__)
SWEEPS = "sweeps"
# Telegram keeps an unanswered update for 24 hours; WeChat retries a callback for 15 seconds
SEEN_UPDATES_KEPT = timedelta(days=2)
LEASE_SHARE = 0.9  # of the tick: the holder renews it every tick, a survivor takes over
WORKLIST = "worklist"
# The worklist's sweep reads every stay no chat reaches: not every tick, and in its own job so
# that sending never waits for it (at start-up it took seconds on a large database). It
# guards no message: calls are due in calling hours anyway, taking a call checks again that
# it is still owed, and the call tasks it writes are idempotent by key.
WORKLIST_EVERY = timedelta(minutes=5)


async def _holds_sweeps(services: Services) -> bool:
    duration = timedelta(seconds=services.settings.dispatch_interval * LEASE_SHARE)
    owner = services.dispatcher.owner
    return await services.store.leases.take(SWEEPS, owner, services.clock.now(), duration)


async def _worklist_due(services: Services) -> bool:
    """Say whether the worklist's sweep is due: a lease no one renews, taken once per period
    by whichever process sweeps (each take names a new owner)."""
    now = services.clock.now()
    owner = f"{services.dispatcher.owner[:24]}@{now.isoformat()}"
    return await services.store.leases.take(WORKLIST, owner, now, WORKLIST_EVERY)


async def run_sweeps(services: Services) -> None:
    """Re-plan changed plans, expire unanswered steps and surveys, reach the unenrolled by
    SMS, watch case deadlines."""
    await replan_changed(services.store, services.scheduling, services.clock.now())
    await extend_medicine_horizons(services.store, services.scheduling, services.clock.now())
    await expire_unanswered(services.store, services.scheduling.policy, services.clock.now())
    if sms_reach_enabled(services.settings):
        await reach_by_sms(
            services.store, services.scheduling, services.clock.now(), services.locale
        )
    await services.store.surveys.expire(services.clock.now())
    await sweep_cases(services)
    await escalate_missed(services)  # red flags not acknowledged in time
    await services.store.seen_updates.prune(services.clock.now() - SEEN_UPDATES_KEPT)
    await services.store.channel_inbound.prune(services.clock.now() - SEEN_UPDATES_KEPT)
    await services.store.channel_windows.drop_held_before(services.clock.now() - HELD_KEPT)
    await prune_deliveries(services)  # FOLLOWUP_DELIVERY_RETENTION_MONTHS; off by default
    for channel in services.dispatcher.channels.values():  # e.g. the SMS notices owed
        if isinstance(channel, SweepingChannel):
            await channel.sweep(services.clock.now())


async def worklist_tick(services: Services) -> None:
    """Keep the phone worklist true, once per WORKLIST_EVERY over every process (its own
    job, every FOLLOWUP_DISPATCH_INTERVAL, beside the dispatcher's)."""
    if services.dispatcher.stopping or not services.start_check.passed:
        return
    if await _worklist_due(services):
        now = services.clock.now()
        await sweep_worklist(services.store, services.scheduling, services.worklist, now)


async def dispatch_tick(services: Services) -> None:
    """Run one dispatcher tick (every FOLLOWUP_DISPATCH_INTERVAL).

    Every process sends what is due (the claim shares the rows out); the sweeps run in one
    process per tick, the one holding their lease. Nothing is sent or swept until the start
    check (after an unclean stop) has found the SQLite file sound.
    """
    if not services.start_check.passed or services.dispatcher.stopping:
        return
    if await _holds_sweeps(services):
        await run_sweeps(services)
    stats = await services.dispatcher.run_once()
    if stats.sent or stats.failed or stats.retried or stats.missed:
        log.info(
            "dispatch: sent %d, retried %d, failed %d, missed %d",
            stats.sent,
            stats.retried,
            stats.failed,
            stats.missed,
        )
