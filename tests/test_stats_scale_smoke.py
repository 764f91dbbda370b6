"""The statistics benchmark (benchmarks/stats_scale.py) runs, on a small cohort."""

from __future__ import annotations

import asyncio
from pathlib import Path

from benchmarks.common import migrated_sqlite
from benchmarks.stats_scale import PLANS, fill, measure
from bot.domain.call_figures import CoverageFigures
from bot.domain.periods import month_period
from bot.domain.stats import Stats
from bot.services.call_stats import stats_with_coverage
from bot.services.planning import load_scheduling
from bot.storage.store import Store
from bot.templating import Renderer
from tests.harness import make_settings


def test_the_benchmark_fills_and_times_a_small_cohort(tmp_path: Path) -> None:
    path = tmp_path / "stats.db"
    url = migrated_sqlite(path)
    fill(path, 150)
    for with_rate in (False, True):
        whole, one = asyncio.run(measure(url, runs=1, coverage=with_rate))
        assert len(whole) == len(one) == 1
    settings = make_settings(tmp_path, migrated=False, database_url=url)

    async def figures() -> tuple[Stats, CoverageFigures]:
        surveys = load_scheduling(settings, Renderer()).surveys
        store = Store.open(url)
        try:
            return await stats_with_coverage(
                store, surveys, settings, month_period("2026-11"), None
            )
        finally:
            await store.close()

    stats, coverage = asyncio.run(figures())
    assert coverage.hospital.discharged == stats.discharged
    # discharges spread over November in UTC: a few fall after the local month's end
    assert 140 <= stats.discharged <= 150 and 0 < stats.complaints <= 3  # one in fifty
    assert sum(d.complaints for d in stats.departments) == stats.complaints
    assert {step.plan for step in stats.steps} == set(PLANS)
    assert sum(stats.medication.values()) == stats.discharged
