"""The engine: SQLite (WAL, busy timeout, folder made on first use) or PostgreSQL."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.storage.connections import READ_ONLY

SQLITE_BUSY_TIMEOUT_MS = 10_000


class StorageProblem(StrEnum):
    """A storage failure people can fix (its message template is cli/storage_<value>)."""

    READONLY = "readonly"
    FULL = "full"
    UNREACHABLE = "unreachable"
    LOCKED = "locked"
    DAMAGED = "damaged"


STORAGE_PROBLEMS = (  # words of SQLite's and the drivers' errors -> the problem
    ("readonly database", StorageProblem.READONLY),
    ("read-only", StorageProblem.READONLY),
    ("disk is full", StorageProblem.FULL),
    ("no space left", StorageProblem.FULL),
    ("unable to open database", StorageProblem.UNREACHABLE),
    ("database is locked", StorageProblem.LOCKED),
    ("malformed", StorageProblem.DAMAGED),
    ("file is not a database", StorageProblem.DAMAGED),
)


def sqlite_path(url: str) -> Path | None:
    """Return the file behind a SQLite URL, or None for other databases and :memory:."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:"):
        return None
    if parsed.query.get("uri") == "true" and parsed.database.startswith("file:"):
        return Path(parsed.database.removeprefix("file:"))  # a URI filename (mode=ro...)
    return Path(parsed.database)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    dbapi_connection.isolation_level = None  # transactions are begun below, IMMEDIATE


def _begin_immediate(conn: Any) -> None:
    # Take SQLite's write lock at the start of every transaction, so that concurrent
    # writers wait (busy_timeout) instead of failing when a read turns into a write; a
    # connection marked READ_ONLY never writes, so it reads its own snapshot beside others.
    read_only = conn.get_execution_options().get(READ_ONLY, False)
    conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


async def integrity_problem(engine: AsyncEngine) -> str | None:
    """Return SQLite's description of damage (None when the file is sound, or not SQLite);
    `followup run` runs the quicker check (bot.storage.start_check)."""
    if engine.dialect.name != "sqlite":
        return None
    try:
        async with engine.connect() as conn:
            result = (await conn.exec_driver_sql("PRAGMA integrity_check")).scalar()
    except DatabaseError as error:  # damage bad enough that the check itself cannot run
        return str(error.orig)
    return None if result == "ok" else str(result)


def safe_url(url: str) -> str:
    """The database URL without its password, to show people."""
    return make_url(url).render_as_string(hide_password=True)


def storage_problem(error: BaseException) -> StorageProblem | None:
    """Name a storage failure people can fix (read-only, full, unreachable), else None."""
    text = str(error).lower()
    for needle, problem in STORAGE_PROBLEMS:
        if needle in text:
            return problem
    return None


def create_engine(url: str) -> AsyncEngine:
    """Create the async engine for url, making the SQLite folder if needed."""
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _begin_immediate)
    return engine
