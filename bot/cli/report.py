"""`followup report`: the monthly Excel report, written to a file."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import typer

from bot.cli.common import fail, say, settings_or_exit, with_store
from bot.domain.clock import SystemClock
from bot.domain.periods import month_period, range_period
from bot.services.planning import load_scheduling
from bot.services.report import build_report
from bot.services.statistics import department_id
from bot.storage.audit import Actor
from bot.storage.stats import Scope
from bot.storage.store import Store
from bot.templating import Renderer


def report_command(
    month: str = typer.Option(..., help="The month, YYYY-MM."),
    out: Path = typer.Option(..., help="The .xlsx file to write."),
    department: str | None = typer.Option(None, help="One department (default: all)."),
) -> None:
    """Write the monthly report (summary, departments, registers, failures, answers)."""
    settings = settings_or_exit()
    try:
        period = month_period(month)
    except ValueError as error:
        fail(settings, "cli/bad_period", error=str(error))
    renderer = Renderer()
    now = SystemClock().now()
    surveys = load_scheduling(settings, renderer).surveys

    async def work(store: Store) -> bytes | None:
        scope = await department_id(store, department) if department else None
        if department and scope is None:
            return None
        content = await build_report(
            store,
            surveys,
            renderer,
            settings.locale,
            settings.zone,
            period,
            scope,
            min_answers=settings.rank_min_answers,
            hospital=settings.hospital_name or "",
            department_name=department or "",
        )
        await store.audit.record(now, Actor.cli(), "report.read", f"period:{period.label}")
        return content

    content = with_store(settings, work)
    if content is None:
        fail(settings, "cli/no_department", department=department or "")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(content)
    out.chmod(0o600)  # it holds patients' names and phones
    say(settings, "cli/report_written", file=str(out))


def export_command(
    start: str = typer.Option(..., "--from", help="First discharge day, YYYY-MM-DD."),
    end: str = typer.Option(..., "--to", help="Last discharge day, YYYY-MM-DD."),
    out: Path = typer.Option(..., help="The .csv file to write (UTF-8 with BOM, for Excel)."),
) -> None:
    """Export every survey answer of patients discharged in a date range as CSV."""
    settings = settings_or_exit()
    try:
        period = range_period(start, end)
    except ValueError as error:
        fail(settings, "cli/bad_period", error=str(error))
    first, last = period.bounds(settings.zone)
    rows = with_store(settings, lambda store: _exported_answers(store, Scope(first, last)))
    headers = Renderer().render("report/answers", settings.locale).split("\n", 1)[1]
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers.split("\t"))
        writer.writerows([_csv_cell(v, settings.zone) for v in row] for row in rows)
    out.chmod(0o600)  # it holds patients' names and answers
    say(settings, "cli/report_written", file=str(out))


async def _exported_answers(store: Store, scope: Scope) -> list[tuple[Any, ...]]:
    rows = await store.reports.answers(scope)
    period = f"{scope.start:%Y-%m-%d}..{scope.end:%Y-%m-%d}"
    await store.audit.record(SystemClock().now(), Actor.cli(), "export.read", f"period:{period}")
    return rows


def _csv_cell(value: object, zone: ZoneInfo) -> object:
    if isinstance(value, datetime):
        return f"{value.astimezone(zone):%Y-%m-%d %H:%M}"
    return value
