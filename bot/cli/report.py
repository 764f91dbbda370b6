"""`followup report`: the monthly Excel report, written to a file."""

from __future__ import annotations

from pathlib import Path

import typer

from bot.cli.common import fail, say, settings_or_exit, with_store, write_private_file
from bot.domain.clock import SystemClock
from bot.domain.periods import month_period
from bot.services.call_stats import call_figures
from bot.services.planning import load_scheduling
from bot.services.statistics import department_id
from bot.storage.audit import Actor
from bot.storage.store import Store
from bot.templating import Renderer


def report_command(
    month: str = typer.Option(..., help="The month, YYYY-MM."),
    out: Path = typer.Option(..., help="The .xlsx file to write."),
    department: str | None = typer.Option(None, help="One department (default: all)."),
) -> None:
    """Write the monthly report (summary, departments, registers, failures, answers)."""
    from bot.services.report import build_report  # openpyxl: only this command imports it

    settings = settings_or_exit()
    try:
        period = month_period(month)
    except ValueError as error:
        fail(settings, "cli/bad_period", error=str(error))
    renderer = Renderer()
    now = SystemClock().now()
    scheduling = load_scheduling(settings, renderer)

    async def work(store: Store) -> bytes | None:
        scope = await department_id(store, department) if department else None
        if department and scope is None:
            return None
        content = await build_report(
            store,
            scheduling.surveys,
            renderer,
            settings.locale,
            settings.zone,
            period,
            scope,
            min_answers=settings.rank_min_answers,
            hospital=settings.hospital_name or "",
            department_name=department or "",
            plans=scheduling.plans,
            calls=await call_figures(store, settings, period, scope),
        )
        await store.audit.record(now, Actor.cli(), "report.read", f"period:{period.label}")
        return content

    content = with_store(settings, work)
    if content is None:
        fail(settings, "cli/no_department", department=department or "")
    write_private_file(out, content)  # whole or not at all; it holds names and phones
    say(settings, "cli/report_written", file=str(out))
