"""Apply Alembic migrations programmatically, on the project's own engine.

Alembic is imported only when there is something to do: a database already at
HEAD_REVISION starts without loading it (a test keeps HEAD_REVISION equal to Alembic's head).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import Connection

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
HEAD_REVISION = "0009"


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

    async with engine.begin() as conn:
        await conn.run_sync(lambda sync: command.upgrade(_config(sync), revision))


async def downgrade(engine: AsyncEngine, revision: str = "base") -> None:
    """Migrate the database down to revision."""
    from alembic import command

    async with engine.begin() as conn:
        await conn.run_sync(lambda sync: command.downgrade(_config(sync), revision))


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
