"""The delivery log's retention: the sweeps prune deliveries older than the setting's months."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.domain.retention import months_before
from bot.services.container import Services

log = logging.getLogger(__name__)
RETENTION = "retention"
# Once per period, whichever process sweeps: the log grows by a few rows a minute at most.
RETENTION_EVERY = timedelta(minutes=5)
PRUNE_BATCH = 2000  # rows per transaction: the write lock is held for milliseconds
PRUNE_BATCHES = 20  # per run: a first run on a years-old log spreads over many runs


async def _retention_due(services: Services) -> bool:
    """Say whether the prune is due: a lease no one renews, taken once per period."""
    now = services.clock.now()
    owner = f"{services.dispatcher.owner[:24]}@{now.isoformat()}"
    return await services.store.leases.take(RETENTION, owner, now, RETENTION_EVERY)


async def prune_deliveries(services: Services) -> int:
    """Prune the deliveries older than FOLLOWUP_DELIVERY_RETENTION_MONTHS, in batches."""
    months = services.settings.delivery_retention_months
    if not months or not await _retention_due(services):
        return 0
    cutoff = months_before(services.clock.now(), months)
    pruned = 0
    for _ in range(PRUNE_BATCHES):
        went = await services.store.deliveries.prune_before(cutoff, PRUNE_BATCH)
        pruned += went
        if went < PRUNE_BATCH:
            break
    if pruned:
        log.info("retention: pruned %d deliveries recorded before %s", pruned, cutoff.date())
    return pruned
