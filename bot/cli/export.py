"""`followup export`: every survey answer of a period, in words, as .csv or .xlsx."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from bot.cli.common import fail, say, settings_or_exit, with_store, write_private_file
from bot.domain.clock import SystemClock
from bot.domain.exports import AnswerSelection, allowed_suffixes, export_format
from bot.domain.periods import range_period
from bot.services.planning import load_scheduling
from bot.storage.audit import Actor
from bot.storage.stats import Scope
from bot.storage.store import Store
from bot.templating import Renderer

if TYPE_CHECKING:
    from bot.services.exporting import AnswerExport


def export_command(
    start: str = typer.Option(..., "--from", help="First day of the period, YYYY-MM-DD."),
    end: str = typer.Option(..., "--to", help="Last day of the period, YYYY-MM-DD."),
    out: Path = typer.Option(
        ...,
        help="The file to write; its ending picks the format: .xlsx (answers in words, "
        "codes on a second sheet) or .csv (UTF-8 with BOM, for Excel).",
    ),
    by: AnswerSelection = typer.Option(
        AnswerSelection.ANSWERED,
        "--by",
        case_sensitive=False,
        help="Which date must fall in the period: the day the answer was given (answered) "
        "or the day the patient was discharged (discharged, the monthly report's cohort).",
    ),
    codes: bool = typer.Option(
        False, "--codes", help="In a .csv, add the codes as extra columns (.xlsx always has them)."
    ),
) -> None:
    """Export every survey answer of a period: questions and answers in words."""
    # openpyxl (and numpy) take 0.4 s to import: only this command pays for them
    from bot.services.exporting import ExportContext, build_answer_export, export_bytes

    settings = settings_or_exit()
    kind = export_format(out)
    if kind is None:
        fail(settings, "export/bad_suffix", file=out.name, suffixes=allowed_suffixes())
    try:
        period = range_period(start, end)
    except ValueError as error:
        fail(settings, "cli/bad_period", error=str(error))
    renderer = Renderer()
    first, last = period.bounds(settings.zone)
    scheduling = load_scheduling(settings, renderer)
    context = ExportContext(
        scheduling.surveys,
        scheduling.plans,
        renderer,
        settings.locale,
        settings.zone,
    )

    async def work(store: Store) -> AnswerExport:
        export = await build_answer_export(store, context, Scope(first, last), by)
        detail = f"period:{period.first}..{period.last} by:{by.value}"
        await store.audit.record(SystemClock().now(), Actor.cli(), "export.read", detail)
        return export

    export = with_store(settings, work)
    write_private_file(out, export_bytes(export, kind, codes))
    say(
        settings,
        "export/written",
        count=len(export.words.rows),
        by_answer_date=by is AnswerSelection.ANSWERED,
        first=str(period.first),
        last=str(period.last),
        file=str(out),
    )
