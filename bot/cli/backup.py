"""`followup backup FILE` and `followup restore FILE` (SQLite; PostgreSQL uses pg_dump)."""

from __future__ import annotations

from pathlib import Path

import typer

from bot.cli.common import fail, say, settings_or_exit, with_store
from bot.cli.erasures import heal_before_restore, reapply_and_say
from bot.settings import Settings
from bot.storage import backup as backups
from bot.storage.database import sqlite_path
from bot.storage.migrate import current_revision


def _database(settings: Settings) -> Path:
    path = sqlite_path(settings.database_url)
    if path is None:
        fail(settings, "cli/backup_postgres")
    return path


def backup_command(file: Path = typer.Argument(..., help="Where to write the copy.")) -> None:
    """Copy the database consistently, even while the bot runs."""
    settings = settings_or_exit()
    try:
        backups.backup(_database(settings), file)
    except backups.BackupError as error:
        fail(settings, "cli/backup_failed", error=str(error))
    say(settings, "cli/backup_done", file=str(file))


def restore_command(
    file: Path = typer.Argument(..., help="A backup made by followup backup."),
) -> None:
    """Replace the database by a backup (refused while the bot runs; the file is checked first).

    Patients erased since the backup was taken are erased again, from the erasure ledger.
    """
    settings = settings_or_exit()
    database = _database(settings)
    entries = heal_before_restore(settings, database)
    try:
        kept = backups.restore(file, database)
    except backups.BackupError as error:
        fail(settings, "cli/backup_failed", error=str(error))
    revision = with_store(settings, lambda store: current_revision(store.engine))
    say(settings, "cli/restore_done", file=str(file), kept=str(kept), revision=revision or "-")
    reapply_and_say(settings, entries, f"restored from {file.name}")
