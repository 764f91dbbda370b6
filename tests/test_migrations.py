"""Migrations: an empty database goes to head, down to nothing, and up again."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect

from bot.storage import migrate
from bot.storage.database import create_engine
from bot.storage.schema import metadata
from tests.backends import database_url


async def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    async with engine.connect() as conn:
        names = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    await engine.dispose()
    return names - {"alembic_version"}


async def test_upgrade_downgrade_upgrade(tmp_path: Path) -> None:
    url = database_url(tmp_path / "nested" / "dir", migrated=False)  # SQLite: made on first use
    engine = create_engine(url)
    await migrate.upgrade(engine)
    assert await migrate.current_revision(engine) == migrate.head_revision()
    assert await _tables(url) == set(metadata.tables)
    await migrate.upgrade(engine)  # idempotent
    await migrate.downgrade(engine, "base")
    assert await migrate.current_revision(engine) is None
    assert await _tables(url) == set()
    await migrate.upgrade(engine)
    assert await _tables(url) == set(metadata.tables)
    await engine.dispose()


async def test_a_test_database_comes_at_head_with_every_table(tmp_path: Path) -> None:
    url = database_url(tmp_path)  # a copy of the run's template, migrated once
    engine = create_engine(url)
    assert await migrate.current_revision(engine) == migrate.head_revision()
    assert await _tables(url) == set(metadata.tables)
    await engine.dispose()


@pytest.mark.sqlite_only
async def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/w.db")
    async with engine.connect() as conn:
        mode = (await conn.exec_driver_sql("PRAGMA journal_mode")).scalar()
    await engine.dispose()
    assert mode == "wal"


def test_the_head_shortcut_names_alembics_head() -> None:
    assert migrate.head_revision() == migrate.HEAD_REVISION
