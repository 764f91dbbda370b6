"""The statistics are read side by side on read-only connections: a writer holding the
database (SQLite's write lock, PostgreSQL's row locks) neither blocks them nor shows them its
uncommitted rows."""

from __future__ import annotations

from sqlalchemy import update

from bot.demo.harness import BotHarness
from bot.services.statistics import compute_stats
from bot.storage.schema import episodes
from tests.stats_cohort import NOVEMBER, build_cohort


async def test_statistics_are_read_beside_a_writer_and_see_only_committed_rows(
    harness: BotHarness,
) -> None:
    await build_cohort(harness)
    services = harness.services

    async def figures() -> object:
        return await compute_stats(
            services.store,
            services.scheduling.surveys,
            services.settings.zone,
            NOVEMBER,
            None,
            min_answers=1,
        )

    before = await figures()
    async with services.store.engine.begin() as writer:  # holds the write lock until the end
        await writer.execute(update(episodes).values(consent=False, enrolled_at=None))
        assert await figures() == before  # not blocked, and the uncommitted change unseen
        await writer.rollback()
    assert await figures() == before
