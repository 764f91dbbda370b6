"""The database the tests run on: SQLite files (default) or PostgreSQL (the same tests).

FOLLOWUP_TEST_BACKEND=postgresql runs every test on its own fresh PostgreSQL database,
cloned from a template migrated once per run; FOLLOWUP_TEST_POSTGRES names the server
(default postgresql://postgres@127.0.0.1:5432/postgres). Every database the run made is
dropped at its end. A server that cannot be reached fails the run: never a silent skip.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

BACKEND = os.environ.get("FOLLOWUP_TEST_BACKEND", "sqlite")
SERVER = os.environ.get("FOLLOWUP_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
RUN = f"fbt_{uuid.uuid4().hex[:8]}"
TEMPLATE = f"{RUN}_template"
_numbers = itertools.count(1)
_template_ready = threading.Lock()
_made: list[str] = []
_by_folder: dict[Path, str] = {}


def on_postgres() -> bool:
    """Say whether this run's tests use PostgreSQL."""
    return BACKEND == "postgresql"


def database_url(tmp_path: Path) -> str:
    """The test's database (one per tmp_path): a SQLite file, or on PostgreSQL a fresh
    database migrated to head."""
    if not on_postgres():
        return f"sqlite+aiosqlite:///{tmp_path}/followup.db"
    with _template_ready:
        if not _made:
            _run(_make_template())
            _made.append(TEMPLATE)
        if tmp_path not in _by_folder:
            name = f"{RUN}_{next(_numbers)}"
            _run(_admin(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"'))
            _made.append(name)
            _by_folder[tmp_path] = postgres_url(name)
    return _by_folder[tmp_path]


def drop_all() -> None:
    """Drop every database this run made (the template last)."""
    for name in reversed(_made):
        _run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    _made.clear()
    _by_folder.clear()


def postgres_url(name: str) -> str:
    """The SQLAlchemy URL of a database on the test server."""
    base = SERVER.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
    return f"{base}/{name}"


async def _make_template() -> None:
    from bot.storage import migrate
    from bot.storage.store import Store

    await _admin(f'CREATE DATABASE "{TEMPLATE}"')
    store = Store.open(postgres_url(TEMPLATE))
    try:
        await migrate.upgrade(store.engine)
    finally:
        await store.close()


async def _admin(statement: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(SERVER)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def _run(work: Any) -> None:
    """Run a coroutine to completion, also from inside a test's running event loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, work).result()
