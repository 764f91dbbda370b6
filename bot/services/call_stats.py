"""The call figures and the follow-up rate over all discharges against the seeds' targets
(/calls stats, /stats, the monthly report, `followup stats`); the weekly quality sample."""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.call_figures import CallFigures, Coverage, CoverageFigures, Targets, total_coverage
from bot.domain.calls import ReviewVerdict
from bot.domain.channel_messages import Choice, Outgoing
from bot.domain.choices import Prefix
from bot.domain.periods import Period
from bot.domain.stats import Stats
from bot.domain.surveys.model import Survey
from bot.services.special_groups import special_groups
from bot.services.statistics import compute_stats
from bot.settings import Settings
from bot.storage.call_samples import SampledCall
from bot.storage.stats_scope import Scope
from bot.storage.store import Store
from bot.templating import Renderer

SAMPLE_DAYS = 7  # the quality sample draws from the last week's calls (每周抽查)
MAX_SAMPLE = 20  # calls drawn at most at once
SKIP = "skip"  # the button that leaves a review without a note


def targets_of(settings: Settings) -> Targets:
    """Return the office's targets from the settings (FOLLOWUP_TARGET_*)."""
    return Targets(
        settings.target_rate, settings.target_department_rate, settings.target_special_rate
    )


async def coverage_figures(
    store: Store, settings: Settings, period: Period, department: int | None
) -> CoverageFigures:
    """Compute the follow-up rate over all discharges of a period, judged against targets."""
    start, end = period.bounds(settings.zone)
    groups = special_groups(settings.special_groups_file)
    listed, special = await store.call_stats.coverage(Scope(start, end, department), groups)
    hospital = total_coverage(listed)
    figures = CoverageFigures(targets_of(settings), hospital, listed, special)
    return figures.judged()


async def stats_with_coverage(
    store: Store,
    surveys: dict[str, Survey],
    settings: Settings,
    period: Period,
    department: int | None,
) -> tuple[Stats, CoverageFigures]:
    """Compute /stats's figures and the rate over all discharges side by side (each part on
    its own read-only connection)."""
    return await asyncio.gather(
        compute_stats(
            store, surveys, settings.zone, period, department,
            min_answers=settings.rank_min_answers,
        ),
        coverage_figures(store, settings, period, department),
    )  # fmt: skip


async def call_figures(
    store: Store, settings: Settings, period: Period, department: int | None
) -> CallFigures:
    """Compute every call figure of a period, for one department or the whole hospital (the
    parts read side by side, each on its own connection)."""
    start, end = period.bounds(settings.zone)
    scope, calls = Scope(start, end, department), store.call_stats
    coverage, workload, call_backs, re_calls, sample = await asyncio.gather(
        coverage_figures(store, settings, period, department),
        calls.workload(scope),
        calls.call_backs(scope),
        calls.re_calls(scope),
        calls.sample_counts(scope),
    )
    return CallFigures(coverage, workload, call_backs, re_calls, sample)


def coverage_as_dict(coverage: CoverageFigures) -> dict[str, object]:
    """Return the rate over all discharges, raw and derived, for JSON output."""

    def one(c: Coverage) -> dict[str, object]:
        return {**asdict(c), "rate": c.rate}

    return {
        "targets": asdict(coverage.targets),
        "hospital": one(coverage.hospital),
        "special": one(coverage.special),
        "departments": [one(d) for d in coverage.departments],
    }


def call_stats_text(
    renderer: Renderer, locale: str, figures: CallFigures, period: str, department: str
) -> str:
    """Return the call figures as /calls stats shows them."""
    return renderer.render(
        "call_reports/stats", locale, f=figures, period=period, department=department
    ).strip()


async def draw_sample(
    store: Store, user_id: int, department_id: int | None, n: int, now: datetime
) -> list[SampledCall]:
    """Draw up to n of the last week's finished calls (the department's, if one) that were
    never sampled, and keep them as this supervisor's to judge."""
    since = now - timedelta(days=SAMPLE_DAYS)
    return await store.call_stats.draw_sample(user_id, department_id, since, now, n)


def sampled_call(renderer: Renderer, locale: str, call: SampledCall, zone: ZoneInfo) -> Outgoing:
    """Return one sampled call with its two verdict buttons."""
    text = renderer.render(
        "call_reports/sampled",
        locale,
        patient=call.patient,
        caller=call.caller,
        when=f"{call.started_at.astimezone(zone):%Y-%m-%d %H:%M}",
        outcome=call.outcome.value,
        note=call.note,
    )
    buttons = tuple(
        Choice(
            review_id(call.attempt_id, verdict.value),
            renderer.render(f"buttons/review_{verdict.value}", locale).strip(),
        )
        for verdict in ReviewVerdict
    )
    return Outgoing(text.strip(), (buttons,))


def review_id(attempt_id: int, choice: str) -> str:
    """Return a review button's id: cq:<attempt>:<verdict or skip>."""
    return f"{Prefix.CALL_REVIEW}:{attempt_id}:{choice}"


def parse_review(data: str) -> tuple[int, str] | None:
    """Read a review button's id; None when it is not one (or forged)."""
    parts = data.split(":")
    choices = {verdict.value for verdict in ReviewVerdict} | {SKIP}
    if len(parts) != 3 or parts[0] != Prefix.CALL_REVIEW or parts[2] not in choices:
        return None
    if not parts[1].isdecimal() or len(parts[1]) > 18:
        return None
    return int(parts[1]), parts[2]
