"""Storage robustness: an old database migrated forward, read-only and full disks, damage."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.cli import main
from bot.demo.harness import BotHarness
from bot.storage import database, migrate
from bot.storage.schema import contacts, episodes, invites, patients, staff_members
from bot.storage.schema import scheduled_messages as m
from bot.storage.store import Store
from tests.harness import START, make_settings

pytestmark = pytest.mark.sqlite_only  # SQLite files: backup, PRAGMAs, read-only opens
# every test here starts with no database file (migrated=False): they test migrating it

FIXTURE = Path(__file__).parent / "fixtures" / "followup_0001.sql"


def _old_database(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.executescript(FIXTURE.read_text(encoding="utf-8"))


async def test_a_first_version_database_is_migrated_forward_without_loss(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, migrated=False)
    _old_database(tmp_path / "followup.db")
    harness = BotHarness(settings, START)
    await harness.start()  # migrates to head, as `followup run` does
    store = harness.services.store
    assert await migrate.current_revision(store.engine) == migrate.HEAD_REVISION
    async with store.engine.connect() as conn:
        counts = [
            (await conn.execute(select(func.count()).select_from(table))).scalar()
            for table in (patients, episodes, invites, contacts, staff_members)
        ]
    assert counts == [3, 3, 2, 1, 2]
    old = await store.episodes.latest_for("OLD001")
    assert old is not None and (old.name, old.phone, old.department) == (
        "王老一",
        "13900000001",
        "心内科",
    )
    await harness.tick()  # the enrolled contact of the old version gets its plan now
    assert await store.outbox.rows(m.c.contact_id == 1)
    harness.clock.advance(timedelta(days=1))  # to its first step, the next morning
    await harness.tick()
    assert harness.telegram.delivered_to(90001)
    await harness.stop()


def _run_cli(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["followup", *args])
    with pytest.raises(SystemExit) as exited:
        main()
    return int(exited.value.code or 0)


def _discharge_list(path: Path, rows: int) -> Path:
    lines = ["住院号,姓名,科室,出院日期,同意回访,联系电话"]
    lines += [f"R{n:05d},患者{n},心内科,2026-11-20,是,139{n:08d}" for n in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


async def _patients(url: str) -> int:
    store = Store.open(url)
    try:
        async with store.engine.connect() as conn:
            return int(
                (await conn.execute(select(func.count()).select_from(patients))).scalar_one()
            )
    finally:
        await store.close()


def test_a_read_only_database_gives_a_clear_error_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    writable = make_settings(tmp_path, migrated=False).database_url
    monkeypatch.setenv("FOLLOWUP_DATABASE_URL", writable)
    assert _run_cli(monkeypatch, "db", "upgrade") == 0
    path = tmp_path / "followup.db"
    read_only = f"sqlite+aiosqlite:///file:{path}?mode=ro&uri=true"
    assert database.sqlite_path(read_only) == path  # no folder named "file:" is made
    monkeypatch.setenv("FOLLOWUP_DATABASE_URL", read_only)
    capsys.readouterr()
    code = _run_cli(monkeypatch, "import", str(_discharge_list(tmp_path / "l.csv", 20)))
    err = capsys.readouterr().err
    assert code == 1 and "只读" in err and "权限" in err and "Traceback" not in err
    assert asyncio.run(_patients(writable)) == 0


def test_a_full_disk_rolls_the_import_back_with_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(
        "FOLLOWUP_DATABASE_URL", make_settings(tmp_path, migrated=False).database_url
    )
    assert _run_cli(monkeypatch, "import", str(_discharge_list(tmp_path / "a.csv", 10))) == 0
    real_pragmas = database._sqlite_pragmas

    def small_disk(connection: Any, record: Any) -> None:
        real_pragmas(connection, record)
        cursor = connection.cursor()
        cursor.execute("PRAGMA page_count")
        pages = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count={pages + 3}")
        cursor.close()

    monkeypatch.setattr(database, "_sqlite_pragmas", small_disk)
    capsys.readouterr()
    code = _run_cli(monkeypatch, "import", str(_discharge_list(tmp_path / "b.csv", 5000)))
    err = capsys.readouterr().err
    assert code == 1 and "磁盘空间不足" in err and "Traceback" not in err
    monkeypatch.setattr(database, "_sqlite_pragmas", real_pragmas)
    assert (
        asyncio.run(_patients(make_settings(tmp_path, migrated=False).database_url)) == 10
    )  # all or nothing


def test_run_refuses_a_damaged_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = make_settings(tmp_path, migrated=False)
    monkeypatch.setenv("FOLLOWUP_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("FOLLOWUP_TELEGRAM_TOKEN", settings.require_token())
    monkeypatch.setenv("FOLLOWUP_HOSPITAL_NAME", "市第一人民医院")
    assert _run_cli(monkeypatch, "import", str(_discharge_list(tmp_path / "a.csv", 300))) == 0
    path = tmp_path / "followup.db"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    page = 4096
    data[3 * page + 8 : 3 * page + 200] = b"\xff" * 192  # scribble over a b-tree page
    path.write_bytes(bytes(data))
    capsys.readouterr()
    code = _run_cli(monkeypatch, "run")
    err = capsys.readouterr().err
    assert code == 1 and "损坏" in err and "followup restore" in err
