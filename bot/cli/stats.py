"""`followup stats`: the same figures as /stats, as its text (in words) or JSON on stdout."""

from __future__ import annotations

import html
import json
import re

import typer

from bot.cli.common import fail, settings_or_exit, with_store
from bot.domain.call_figures import CoverageFigures
from bot.domain.clock import SystemClock
from bot.domain.periods import month_period, range_period
from bot.domain.stats import Stats
from bot.services.call_stats import coverage_as_dict, stats_with_coverage
from bot.services.planning import load_scheduling
from bot.services.statistics import (
    Summary,
    department_id,
    stats_as_dict,
    summary_text,
)
from bot.storage.store import Store
from bot.templating import Renderer


def stats_command(
    month: str | None = typer.Option(None, help="A month, YYYY-MM (default: this month)."),
    start: str | None = typer.Option(None, "--from", help="First day, YYYY-MM-DD."),
    end: str | None = typer.Option(None, "--to", help="Last day, YYYY-MM-DD."),
    department: str | None = typer.Option(None, help="One department (default: all)."),
    output: str = typer.Option(
        "table", "--format", help="table (the figures in words, as /stats shows them) or json."
    ),
) -> None:
    """Print follow-up statistics for a month or a date range."""
    settings = settings_or_exit()
    try:
        if start or end:
            period = range_period(start or "", end or "")
        else:
            today = SystemClock().now().astimezone(settings.zone).date()
            period = month_period(month or f"{today.year}-{today.month:02d}")
    except ValueError as error:
        fail(settings, "cli/bad_period", error=str(error))
    renderer = Renderer()
    scheduling = load_scheduling(settings, renderer)
    surveys = scheduling.surveys

    async def work(store: Store) -> tuple[Stats, CoverageFigures] | None:
        scope = await department_id(store, department) if department else None
        if department and scope is None:
            return None
        return await stats_with_coverage(store, surveys, settings, period, scope)

    found = with_store(settings, work)
    if found is None:
        fail(settings, "cli/no_department", department=department or "")
    stats, coverage = found
    if output == "json":
        figures = {
            "period": period.label,
            "department": department or "",
            **stats_as_dict(stats),
            "coverage": coverage_as_dict(coverage),
        }
        typer.echo(json.dumps(figures, ensure_ascii=False, indent=2, default=str))
        return
    name = department or renderer.render("stats/whole_hospital", settings.locale)
    summary = summary_text(
        renderer,
        settings.locale,
        stats,
        Summary(period.label, name, scheduling.plans, settings.rank_min_answers),
        coverage,
    )
    typer.echo(plain_text(summary))


TAGS = re.compile(r"<[^>]+>")


def plain_text(telegram_html: str) -> str:
    """Return a Telegram HTML text as a terminal shows it: no tags, entities decoded."""
    return html.unescape(TAGS.sub("", telegram_html))
