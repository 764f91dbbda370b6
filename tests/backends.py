"""The database the tests run on: SQLite files (default) or PostgreSQL (the same tests).

Alembic runs once per test process: on SQLite each test gets a copy of a template file
migrated at the first use (tests of migrating itself ask for no file with migrated=False).
FOLLOWUP_TEST_BACKEND=postgresql runs every test on its own fresh PostgreSQL database,
cloned from a template migrated once per run; FOLLOWUP_TEST_POSTGRES names the server
(default postgresql://postgres@127.0.0.1:5432/postgres). Every database the run made is
dropped at its end. A server that cannot be reached fails the run: never a silent skip.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import shutil
import tempfile
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
_sqlite_template: list[Path] = []  # the migrated file, once made


def on_postgres() -> bool:
    """Say whether this run's tests use PostgreSQL."""
    return BACKEND == "postgresql"


def database_url(tmp_path: Path, *, migrated: bool = True) -> str:
    """The test's database (one per tmp_path), at Alembic head: on SQLite a copy of the
    run's template file (no file at all with migrated=False, for tests of migrating), on
    PostgreSQL a fresh database cloned from the run's template (always migrated)."""
    if on_postgres():
        return _postgres_database(tmp_path)
    path = tmp_path / "followup.db"
    if migrated and not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(_migrated_sqlite_file(), path)
    return sqlite_url(path)


def sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of a SQLite file."""
    return f"sqlite+aiosqlite:///{path}"


def _migrated_sqlite_file() -> Path:
    """The run's SQLite template, migrated to head at the first call; closed, so that the
    file alone holds everything (SQLite folds its WAL back in when the last connection
    closes, and a copy made without it would lose the schema)."""
    with _template_ready:
        if not _sqlite_template:
            path = Path(tempfile.mkdtemp(prefix=f"{RUN}_")) / "template.db"
            _run(_migrate(sqlite_url(path)))
            leftovers = [p.name for p in path.parent.iterdir() if p != path]
            if leftovers:
                raise RuntimeError(f"the SQLite template left {leftovers} behind")
            _sqlite_template.append(path)
    return _sqlite_template[0]


def _postgres_database(tmp_path: Path) -> str:
    """A fresh PostgreSQL database for tmp_path, cloned from the run's migrated template."""
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
    """Drop every database this run made (the template last), and the SQLite template."""
    for name in reversed(_made):
        _run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    _made.clear()
    _by_folder.clear()
    for path in _sqlite_template:
        shutil.rmtree(path.parent, ignore_errors=True)
    _sqlite_template.clear()


def postgres_url(name: str) -> str:
    """The SQLAlchemy URL of a database on the test server."""
    base = SERVER.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
    return f"{base}/{name}"


async def _make_template() -> None:
    await _admin(f'CREATE DATABASE "{TEMPLATE}"')
    await _migrate(postgres_url(TEMPLATE))


async def _migrate(url: str) -> None:
    """Run the migrations up to head on the database at url, and close it."""
    from bot.storage import migrate
    from bot.storage.store import Store

    store = Store.open(url)
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
