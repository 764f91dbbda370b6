"""`followup stats`: the same figures as /stats, as a table or JSON on stdout."""

from __future__ import annotations

import json

import typer

from bot.cli.common import fail, settings_or_exit, with_store
from bot.domain.clock import SystemClock
from bot.domain.periods import month_period, range_period
from bot.services.planning import load_scheduling
from bot.services.statistics import compute_stats, department_id, stats_as_dict
from bot.storage.store import Store
from bot.templating import Renderer


def stats_command(
    month: str | None = typer.Option(None, help="A month, YYYY-MM (default: this month)."),
    start: str | None = typer.Option(None, "--from", help="First day, YYYY-MM-DD."),
    end: str | None = typer.Option(None, "--to", help="Last day, YYYY-MM-DD."),
    department: str | None = typer.Option(None, help="One department (default: all)."),
    output: str = typer.Option("table", "--format", help="table or json."),
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
    surveys = load_scheduling(settings, Renderer()).surveys

    async def work(store: Store) -> dict[str, object] | None:
        scope = await department_id(store, department) if department else None
        if department and scope is None:
            return None
        stats = await compute_stats(
            store, surveys, settings.zone, period, scope, min_answers=settings.rank_min_answers
        )
        return {"period": period.label, "department": department or "", **stats_as_dict(stats)}

    figures = with_store(settings, work)
    if figures is None:
        fail(settings, "cli/no_department", department=department or "")
    if output == "json":
        typer.echo(json.dumps(figures, ensure_ascii=False, indent=2, default=str))
        return
    for key, value in figures.items():
        typer.echo(f"{key}\t{json.dumps(value, ensure_ascii=False, default=str)}")
