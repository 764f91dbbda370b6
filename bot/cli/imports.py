"""`followup import PATH [--dry-run]`: load a discharge list from the hospital's HIS."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from bot.cli.common import EXIT_FAILED, fail, say, settings_or_exit, text, with_store
from bot.cli.progress import ProgressBar
from bot.domain.clock import SystemClock
from bot.domain.discharge.model import error_template_key
from bot.domain.exclusions import ExclusionRuleError
from bot.domain.tabular import TableError
from bot.settings import Settings
from bot.storage.audit import Actor

if TYPE_CHECKING:
    from bot.services.importing import ImportReport

MAX_ERRORS_SHOWN = 200


def import_command(
    path: Path = typer.Argument(..., help="CSV (UTF-8 or GBK), XLSX or legacy XLS discharge list."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Validate and count; write nothing."),
) -> None:
    """Import a discharge list; if any row is bad nothing is written (exit code 1)."""
    # the readers of discharge lists: not loaded by the other commands (start-up time)
    from bot.services.importing import exclusion_rules, import_discharge_list

    settings = settings_or_exit()
    try:
        rules = exclusion_rules(settings.exclusions_file)
    except ExclusionRuleError as error:
        fail(settings, "cli/exclusions_invalid", error=str(error))
    now = SystemClock().now()
    bar = ProgressBar(text(settings, "cli/import_writing"))
    try:
        report = with_store(
            settings,
            lambda store: import_discharge_list(
                store,
                path,
                settings.zone,
                now,
                actor=Actor.cli(),
                dry_run=dry_run,
                progress=bar,
                exclusions=rules,
            ),
        )
    except TableError as error:
        typer.echo(
            text(settings, error_template_key(error.code), **error.template_vars()), err=True
        )
        raise typer.Exit(EXIT_FAILED) from None
    finally:
        bar.close()
    _print_report(settings, path, report)
    if report.parsed.errors:
        raise typer.Exit(EXIT_FAILED)


def _print_report(settings: Settings, path: Path, report: ImportReport) -> None:
    for error in report.parsed.errors[:MAX_ERRORS_SHOWN]:
        line = text(settings, error_template_key(error.code), **error.template_vars())
        typer.echo(f"{path.name}: {line}", err=True)
    hidden = len(report.parsed.errors) - MAX_ERRORS_SHOWN
    if hidden > 0:
        say(settings, "cli/import_more_errors", count=hidden)
    for warning in report.warnings[:MAX_ERRORS_SHOWN]:
        typer.echo(f"{path.name}: {text(settings, warning.key, **warning.variables)}", err=True)
    if report.parsed.unknown_headers:
        say(settings, "cli/import_unknown_headers", headers=report.parsed.unknown_headers)
    if report.parsed.errors:
        say(
            settings,
            "cli/import_rejected",
            count=len(report.parsed.errors),
            rows=report.parsed.rows_read,
        )
        return
    assert report.counts is not None
    counts = report.counts
    say(
        settings,
        "cli/import_summary",
        dry_run=report.dry_run,
        rows=counts.rows_read,
        imported=counts.imported,
        updated=counts.updated,
        unchanged=counts.unchanged,
        duplicates=counts.duplicates,
        erased=counts.erased,
        excluded=counts.excluded,
        stopped=counts.stopped,
    )
