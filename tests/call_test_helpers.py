"""Reading the cohort's call figures in the tests."""

from __future__ import annotations

from bot.demo.harness import BotHarness
from bot.domain.call_figures import CallFigures
from bot.services.call_stats import call_figures
from bot.services.statistics import department_id
from tests.stats_cohort import NOVEMBER


async def november(harness: BotHarness, department: str | None = None) -> CallFigures:
    """Return November's call figures, for one department or the whole hospital."""
    store = harness.services.store
    scope = await department_id(store, department) if department else None
    return await call_figures(store, harness.services.settings, NOVEMBER, scope)
