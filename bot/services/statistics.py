"""Statistics for a period and department, as supervisors and the CLI ask for them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from zoneinfo import ZoneInfo

from bot.domain.call_figures import CoverageFigures
from bot.domain.periods import Period
from bot.domain.plans.model import PlanBook
from bot.domain.stats import Stats
from bot.domain.surveys.model import Survey
from bot.storage.stats import Scope
from bot.storage.store import Store
from bot.templating import Renderer


@dataclass(frozen=True)
class Summary:
    """What the statistics' text says besides the figures."""

    period: str  # its label
    department: str  # its name, or the whole hospital's in words
    plans: PlanBook  # to name the plans of the reply rates
    min_answers: int  # the minimum sample for the ranking


def summary_text(
    renderer: Renderer,
    locale: str,
    stats: Stats,
    about: Summary,
    coverage: CoverageFigures | None = None,
) -> str:
    """Return the statistics as /stats and `followup stats` show them, with the rate over
    all discharges against the targets when given."""
    return renderer.render(
        "stats/summary",
        locale,
        period=about.period,
        department=about.department,
        s=stats,
        plans=plan_names(about.plans, locale),
        steps=step_names(renderer, about.plans, locale),
        min_answers=about.min_answers,
        coverage=coverage,
    )


def plan_names(plans: PlanBook, locale: str) -> dict[str, str]:
    """Map every plan's key to its name in a language (for the reply rates per plan)."""
    return {
        key: plan.names.get(locale) or next(iter(plan.names.values()), "")
        for key, plan in plans.plans.items()
    }


def step_names(renderer: Renderer, plans: PlanBook, locale: str) -> dict[str, str]:
    """Map every plan step ("plan/step") to words: what it is and when it is sent ("出院后
    3 天回访"), so a reply rate never shows a step's key."""
    return {
        f"{plan.key}/{step.key}": renderer.render(
            "stats/step_name",
            locale,
            kind=step.kind.value,
            anchor=step.anchor.value,
            amount=step.offset.amount,
            unit=step.offset.unit.value,
        )
        for plan in plans.plans.values()
        for step in plan.steps
    }


def names_by_step_key(names: Mapping[str, str]) -> dict[str, str]:
    """Name steps by their key alone (rows that do not say their plan): the first plan that
    has a step of that key names it."""
    by_key: dict[str, str] = {}
    for plan_and_step, name in names.items():
        by_key.setdefault(plan_and_step.split("/", 1)[1], name)
    return by_key


def measured_questions(surveys: dict[str, Survey]) -> dict[str, str]:
    """Map every question key that measures something to what it measures."""
    return {q.key: q.measure.value for s in surveys.values() for q in s.questions if q.measure}


async def department_id(store: Store, name: str) -> int | None:
    """Return the id of a department by name."""
    return await store.stats.department_id(name)


async def compute_stats(
    store: Store,
    surveys: dict[str, Survey],
    zone: ZoneInfo,
    period: Period,
    department: int | None,
    *,
    min_answers: int,
) -> Stats:
    """Compute the figures of a period, for one department or the whole hospital; departments
    with fewer than `min_answers` overall satisfaction answers are not ranked."""
    start, end = period.bounds(zone)
    scope = Scope(start, end, department)
    return await store.stats.compute(scope, measured_questions(surveys), min_answers)


async def trend_stats(
    store: Store, surveys: dict[str, Survey], zone: ZoneInfo, period: Period, department: int | None
) -> Stats:
    """Compute what a trend shows of a period (the stays followed up and reached, the
    answers), the same as compute_stats does, without its other figures."""
    start, end = period.bounds(zone)
    scope = Scope(start, end, department)
    return await store.stats.compute(scope, measured_questions(surveys), 0, trend=True)


def stats_as_dict(stats: Stats) -> dict[str, object]:
    """Return every figure, raw and derived, for JSON output."""
    figures: dict[str, object] = asdict(stats)
    for name in (
        "success_rate",
        "follow_up_rate",
        "nps",
        "on_time_rate",
        "median_ack_minutes",
        "adherence",
    ):
        figures[name] = getattr(stats, name)
    figures["satisfaction_shares"] = {k: v.shares for k, v in stats.satisfaction.items()}
    figures["reply_rates"] = {f"{s.plan}/{s.step}": s.reply_rate for s in stats.steps}
    figures["channels"] = [{**asdict(c), "success_rate": c.success_rate} for c in stats.channels]
    figures["departments"] = [
        {
            **asdict(d),
            "success_rate": d.success_rate,
            "satisfied_share": d.satisfied_share,
            "on_time_rate": d.on_time_rate,
        }
        for d in stats.departments
    ]
    return figures
