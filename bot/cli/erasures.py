"""The erasure ledger from the command line: healed before a restore, re-applied after it.

`followup restore` (SQLite) does both itself; after a PostgreSQL pg_restore, or a database
file copied back by other means, `followup reapply-erasures` re-applies the ledger.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import NoReturn

from sqlalchemy.exc import SQLAlchemyError

from bot.cli.common import fail, say, settings_or_exit, with_store
from bot.domain.clock import SystemClock
from bot.settings import Settings
from bot.storage.audit import Actor
from bot.storage.erasure_ledger import (
    LedgerEntry,
    LedgerError,
    LedgerProblem,
    append_entries,
    ledger_path,
    read_ledger,
)
from bot.storage.erasure_replay import RestoreOutcome, erasures_in_database, reapply_ledger
from bot.storage.store import Store


def ledger_of(settings: Settings) -> Path:
    """Where this installation's erasure ledger is."""
    return ledger_path(settings.database_url, settings.erasure_ledger)


def ledger_or_fail(settings: Settings) -> list[LedgerEntry]:
    """Read the ledger, or say which file is missing or damaged and how to fix it."""
    try:
        return read_ledger(ledger_of(settings))
    except LedgerError as error:
        _fail_ledger(settings, error)


def heal_before_restore(settings: Settings, database: Path) -> list[LedgerEntry]:
    """The ledger, with any erasure the database about to be replaced knows and it lacks.

    This also covers erasures made before the ledger existed. A missing ledger is only an
    error when the current database cannot tell which patients were erased.
    """
    path = ledger_of(settings)
    try:
        entries: list[LedgerEntry] | None = read_ledger(path)
    except LedgerError as error:
        if error.problem is not LedgerProblem.MISSING:
            _fail_ledger(settings, error)
        entries = None
    known = _erasures_in(settings, database)
    if known is None:
        if entries is None:
            _fail_ledger(settings, LedgerError(LedgerProblem.MISSING, path))
        return entries
    remembered = {entry.pseudonym for entry in entries or []}
    new = [entry for entry in known if entry.pseudonym not in remembered]
    if new or entries is None:
        append_entries(path, new)
    return (entries or []) + new


def reapply_and_say(settings: Settings, entries: list[LedgerEntry], detail: str) -> None:
    """Erase again whom the ledger names, keep the audit events, record and print the restore."""
    now, actor = SystemClock().now(), Actor.cli()
    outcome: RestoreOutcome = with_store(
        settings, lambda store: reapply_ledger(store.engine, entries, now, actor, detail)
    )
    append_entries(ledger_of(settings), [outcome.restore])
    zone = settings.zone
    erasures = [
        {
            "patient_id": done.patient_id,
            "erased_at": f"{done.erased_at.astimezone(zone):%Y-%m-%d %H:%M}",
        }
        for done in outcome.reapplied
    ]
    say(settings, "cli/erasures_reapplied", count=len(erasures), erasures=erasures)


def reapply_erasures_command() -> None:
    """Erase again every patient in the erasure ledger (after pg_restore or a copied file)."""
    settings = settings_or_exit()
    entries = ledger_or_fail(settings)
    reapply_and_say(settings, entries, "reapply-erasures")


def _erasures_in(settings: Settings, database: Path) -> list[LedgerEntry] | None:
    """The erasures the current database holds; None when it is absent or unreadable."""
    if not database.exists():
        return None

    async def read() -> list[LedgerEntry]:
        store = Store.open(settings.database_url)
        try:
            return await erasures_in_database(store.engine)
        finally:
            await store.close()

    try:
        return asyncio.run(read())
    except SQLAlchemyError:
        return None


def _fail_ledger(settings: Settings, error: LedgerError) -> NoReturn:
    fail(settings, f"cli/ledger_{error.problem.value}", file=str(error.path), line=error.line)
