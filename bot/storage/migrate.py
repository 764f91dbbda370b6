"""Apply Alembic migrations programmatically, on the project's own engine.

Alembic is imported only when there is something to do: a database already at
HEAD_REVISION starts without loading it (a test keeps HEAD_REVISION equal to Alembic's head).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import Connection

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
HEAD_REVISION = "0035"


def _config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Migrate the database up to revision (idempotent)."""
    if revision == "head" and await current_revision(engine) == HEAD_REVISION:
        return
    from alembic import command

    async with _foreign_keys_off(engine) as conn, conn.begin():
        await conn.run_sync(lambda sync: command.upgrade(_config(sync), revision))
        await _check_foreign_keys(conn)


@asynccontextmanager
async def _foreign_keys_off(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection with SQLite's foreign keys off, as SQLite asks for when a migration
    rebuilds a table (batch mode copies it, drops the old one and renames the copy): with
    them on, dropping a table that other rows point to fails. Other databases: unchanged."""
    async with engine.connect() as conn:
        if engine.dialect.name != "sqlite":
            yield conn
            return
        raw = (await conn.get_raw_connection()).driver_connection
        assert raw is not None
        await raw.execute("PRAGMA foreign_keys=OFF")  # only outside a transaction
        try:
            yield conn
        finally:
            await raw.execute("PRAGMA foreign_keys=ON")


async def _check_foreign_keys(conn: AsyncConnection) -> None:
    """Refuse to commit a migration that left a row pointing nowhere."""
    if conn.dialect.name != "sqlite":
        return
    broken = (await conn.exec_driver_sql("PRAGMA foreign_key_check")).all()
    if broken:
        raise RuntimeError(f"migration left {len(broken)} rows with broken references")


async def downgrade(engine: AsyncEngine, revision: str = "base") -> None:
    """Migrate the database down to revision."""
    from alembic import command

    async with _foreign_keys_off(engine) as conn, conn.begin():
        await conn.run_sync(lambda sync: command.downgrade(_config(sync), revision))
        await _check_foreign_keys(conn)


async def current_revision(engine: AsyncEngine) -> str | None:
    """Return the revision the database is at, or None when it is empty."""
    async with engine.connect() as conn:
        if not await conn.run_sync(lambda sync: inspect(sync).has_table("alembic_version")):
            return None
        return (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar()


def head_revision() -> str | None:
    """Return the newest revision shipped with the code, as Alembic computes it."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config()).get_current_head()
