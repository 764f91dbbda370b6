"""`followup run` checks the SQLite file at start only when its last run did not stop cleanly."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.cli.run import needs_integrity_check
from bot.demo.harness import BotHarness
from bot.storage.clean_stop import marker_path, record_clean_stop
from bot.storage.database import sqlite_path
from tests.harness import START, make_settings

pytestmark = pytest.mark.sqlite_only  # the marker and the check are about SQLite files


def _database(tmp_path: Path) -> Path:
    path = tmp_path / "followup.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (body TEXT)")
        db.execute("INSERT INTO notes VALUES ('出院后第7天回访')")
    return path


def _run_cli(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["followup", *args])
    with pytest.raises(SystemExit) as exited:
        main()
    return int(exited.value.code or 0)


def test_a_first_start_checks_the_database(tmp_path: Path) -> None:
    assert needs_integrity_check(_database(tmp_path))


def test_a_restart_after_a_clean_stop_skips_the_check(tmp_path: Path) -> None:
    database = _database(tmp_path)
    record_clean_stop(database)
    assert not needs_integrity_check(database)


async def test_the_application_stopped_cleanly_leaves_its_file_as_the_next_start_finds_it(
    tmp_path: Path,
) -> None:
    settings = make_settings(tmp_path)
    database = sqlite_path(settings.database_url)
    assert database is not None
    harness = BotHarness(settings, START)
    await harness.start()
    await harness.stop()  # every connection is closed, as when `followup run` returns
    record_clean_stop(database)
    assert not needs_integrity_check(database)


def test_a_run_killed_after_a_clean_start_is_checked_at_the_next(tmp_path: Path) -> None:
    database = _database(tmp_path)
    record_clean_stop(database)
    assert not needs_integrity_check(database)  # this run is then killed: it records nothing
    assert not marker_path(database).exists()
    assert needs_integrity_check(database)


def test_a_write_after_the_clean_stop_brings_the_check_back(tmp_path: Path) -> None:
    database = _database(tmp_path)
    record_clean_stop(database)
    with sqlite3.connect(database) as db:  # e.g. an import while the bot was stopped
        db.execute("INSERT INTO notes VALUES ('复诊提醒')")
    assert needs_integrity_check(database)


def test_a_postgresql_database_has_no_file_to_check() -> None:
    assert not needs_integrity_check(None)


def test_run_refuses_a_file_damaged_after_a_clean_stop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = make_settings(tmp_path, migrated=False)
    monkeypatch.setenv("FOLLOWUP_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("FOLLOWUP_TELEGRAM_TOKEN", settings.require_token())
    monkeypatch.setenv("FOLLOWUP_HOSPITAL_NAME", "市第一人民医院")
    lines = ["住院号,姓名,科室,出院日期,同意回访,联系电话"]
    lines += [f"R{n:05d},患者{n},心内科,2026-11-20,是,139{n:08d}" for n in range(300)]
    (tmp_path / "a.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _run_cli(monkeypatch, "import", str(tmp_path / "a.csv")) == 0
    path = tmp_path / "followup.db"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    record_clean_stop(path)
    data = bytearray(path.read_bytes())
    data[3 * 4096 + 8 : 3 * 4096 + 200] = b"\xff" * 192  # a bad copy, a failing disk
    path.write_bytes(bytes(data))
    capsys.readouterr()
    code = _run_cli(monkeypatch, "run")
    err = capsys.readouterr().err
    assert code == 1 and "损坏" in err and "followup restore" in err
