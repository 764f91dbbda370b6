"""Online backup and checked restore of the SQLite database; a lock says the bot is running."""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
from pathlib import Path
from typing import IO


class BackupError(Exception):
    """A backup or restore cannot be done; the message says why and what to do."""


def lock_path(database: Path) -> Path:
    """Return the lock file `followup run` holds next to the database."""
    return database.with_name(database.name + ".lock")


def hold_run_lock(database: Path) -> IO[str]:
    """Take the run lock for this process's lifetime, or raise if another run holds it."""
    database.parent.mkdir(parents=True, exist_ok=True)
    handle = lock_path(database).open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise BackupError(f"{database}: another `followup run` is using this database") from None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    return handle


def is_running(database: Path) -> bool:
    """Say whether a `followup run` holds the database's lock."""
    path = lock_path(database)
    if not path.exists():
        return False
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


def backup(database: Path, target: Path) -> None:
    """Copy the live database consistently (SQLite's online backup API)."""
    if not database.exists():
        raise BackupError(f"{database}: no database to back up")
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(database)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    target.chmod(0o600)  # it holds patient data


def check_backup(path: Path) -> str:
    """Check a backup file and return its schema revision, or raise BackupError."""
    if not path.exists():
        raise BackupError(f"{path}: no such file")
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            result = db.execute("PRAGMA integrity_check").fetchone()[0]
            revision = db.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path}: not a followup database ({error})") from None
    if result != "ok" or revision is None:
        raise BackupError(f"{path}: the file is damaged ({result})")
    return str(revision[0])


def restore(backup_file: Path, database: Path) -> Path:
    """Replace the database by a checked backup; keep the old one beside it; return its path."""
    if is_running(database):
        raise BackupError(f"{database}: stop `followup run` first; it is using this database")
    check_backup(backup_file)
    kept = database.with_name(database.name + ".before-restore")
    if database.exists():
        shutil.copy2(database, kept)
    for suffix in ("-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    shutil.copy2(backup_file, database)
    return kept
