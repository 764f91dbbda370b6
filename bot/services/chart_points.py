"""The figures behind the two charts (12-month trend, departments compared), computed once for
/chart and the monthly report alike."""

from __future__ import annotations

from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.domain.periods import Period, month_period
from bot.domain.stats import Stats
from bot.domain.surveys.model import Measure, Survey
from bot.services.statistics import compute_stats, trend_stats
from bot.storage.store import Store

if TYPE_CHECKING:  # matplotlib loads at the first chart, not at every start of the bot
    from bot.services.charts import DepartmentPoint, MonthPoint

TREND_MONTHS = 12
OVERALL = Measure.SATISFACTION_HOSPITAL.value


async def trend_points(
    store: Store,
    surveys: dict[str, Survey],
    zone: ZoneInfo,
    period: Period,
    department: int | None,
    *,
    min_answers: int,
    current: Stats | None = None,
) -> list[MonthPoint]:
    """The success rate and satisfied share of the period's month (`current`: its figures,
    when already computed) and the 11 before it (what a trend shows of each, alone)."""
    from bot.services.charts import MonthPoint

    points = []
    year, month = period.first.year, period.first.month
    for back in range(TREND_MONTHS - 1, -1, -1):
        index = year * 12 + month - 1 - back
        name = f"{index // 12}-{index % 12 + 1:02d}"
        shown = month_period(name)
        if back:
            stats = await trend_stats(store, surveys, zone, shown, department)
        elif current is not None and shown == period:
            stats = current
        else:
            stats = await compute_stats(
                store, surveys, zone, shown, department, min_answers=min_answers
            )
        overall = stats.satisfaction.get(OVERALL)
        points.append(
            MonthPoint(name, stats.success_rate, overall.shares["satisfied"] if overall else None)
        )
    return points


async def department_points(
    store: Store,
    surveys: dict[str, Survey],
    zone: ZoneInfo,
    period: Period,
    only: int | None,
    *,
    min_answers: int,
    computed: Stats | None = None,
) -> list[DepartmentPoint]:
    """Each department's satisfied share and success rate in the period (one, or all): the
    figures of the ranking, in its order, computed once for the scope (`computed`: already)."""
    from bot.services.charts import DepartmentPoint

    stats = computed or await compute_stats(
        store, surveys, zone, period, only, min_answers=min_answers
    )
    return [
        DepartmentPoint(d.name, d.satisfied_share, d.success_rate)
        for d in stats.departments
        if d.discharged
    ]
