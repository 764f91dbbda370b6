"""The `followup` command."""

from __future__ import annotations

import os
import sys

import typer

from bot.cli import (
    backup,
    check,
    demo,
    erasures,
    imports,
    invites,
    patients,
    privacy,
    report,
    staff,
    stats,
    templates,
)
from bot.cli.common import EXIT_FAILED, say, settings_or_exit, text, with_store
from bot.cli.run import run_command
from bot.settings import Settings, SettingsError, load_settings
from bot.storage import migrate
from bot.storage.database import safe_url, storage_problem

app = typer.Typer(
    help="Hospital post-discharge follow-up bot.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(staff.app, name="staff")
app.add_typer(templates.app, name="templates")
app.add_typer(patients.app, name="patient")
app.command("import")(imports.import_command)
app.command("invite")(invites.invite_command)
app.command("invites")(invites.invites_command)
app.command("run")(run_command)
app.command("stats")(stats.stats_command)
app.command("report")(report.report_command)
app.command("export")(report.export_command)
app.command("backup")(backup.backup_command)
app.command("restore")(backup.restore_command)
app.command("check")(check.check_command)
app.command("demo")(demo.demo_command)
app.command("forget")(privacy.forget_command)
app.command("audit")(privacy.audit_command)
app.command("reapply-erasures")(erasures.reapply_erasures_command)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply database migrations up to the newest (safe to repeat)."""
    settings = settings_or_exit()
    revision = with_store(settings, lambda store: migrate.current_revision(store.engine))
    say(settings, "cli/db_upgraded", revision=revision or "-")


def storage_message(problem: str) -> str:
    """Say what is wrong with the database and how to fix it, in the configured language."""
    try:
        settings = load_settings()
    except SettingsError:
        settings = Settings.model_construct()  # the defaults, unchecked
    return text(settings, f"cli/storage_{problem}", url=safe_url(settings.database_url))


def main() -> None:
    """Entry point of the `followup` console script; unexpected errors print one line."""
    try:
        app(standalone_mode=True)
    except Exception as error:  # the trace goes to the log only when FOLLOWUP_DEBUG is set
        if os.environ.get("FOLLOWUP_DEBUG"):
            raise
        problem = storage_problem(error)
        if problem is not None:
            typer.echo(storage_message(problem), err=True)
            sys.exit(EXIT_FAILED)
        typer.echo(f"followup: unexpected error ({type(error).__name__}): {error}", err=True)
        typer.echo("followup: set FOLLOWUP_DEBUG=1 to see the full trace", err=True)
        sys.exit(EXIT_FAILED)
