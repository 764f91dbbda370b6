"""An erasure outlives a restore: the erasure ledger, `followup restore`, `reapply-erasures`."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from bot.cli import app
from bot.domain.privacy import pseudonym
from bot.settings import Settings
from bot.storage.erasure_ledger import ledger_path
from bot.storage.schema import patients
from bot.storage.store import Store
from tests.harness import make_settings, record, seed

runner = CliRunner()
PERSONAL = ("张三丰", "13800138001", "F1")


def _seeded(settings: Settings) -> None:
    asyncio.run(
        seed(
            settings,
            record("F1", phone="13800138001"),
            record("F2", name="李四", phone="13900000002"),
        )
    )


def _patients(settings: Settings) -> str:
    """Every patient's hospital number, name and phone, as one text."""

    async def read() -> str:
        store = Store.open(settings.database_url)
        try:
            async with store.engine.connect() as conn:
                query = select(patients.c.hospital_no, patients.c.name, patients.c.phone)
                return str([tuple(row) for row in (await conn.execute(query)).all()])
        finally:
            await store.close()

    return asyncio.run(read())


def _erased(settings: Settings) -> bool:
    rows = _patients(settings)
    return not any(value in rows for value in PERSONAL) and "李四" in rows


def _audit(*options: str) -> str:
    listed = runner.invoke(app, ["audit", "--since", "2000-01-01", *options])
    assert listed.exit_code == 0, listed.output
    return listed.stdout


def _ledger(settings: Settings) -> Path:
    return ledger_path(settings.database_url, None)


@pytest.mark.sqlite_only  # followup restore copies SQLite files; PostgreSQL: below
def test_a_backup_from_before_an_erasure_is_restored_with_the_patient_still_erased(
    cli_env: Settings, tmp_path: Path
) -> None:
    _seeded(cli_env)
    copy = tmp_path / "before.db"
    assert runner.invoke(app, ["backup", str(copy)]).exit_code == 0
    assert runner.invoke(app, ["forget", "F1", "--yes"]).exit_code == 0
    ledger = _ledger(cli_env)
    assert (
        ledger.name == "followup.db.erasures.jsonl"
        and oct(ledger.stat().st_mode & 0o777) == "0o600"
    )
    written = ledger.read_text(encoding="utf-8")
    assert pseudonym("F1") in written and not any(value in written for value in PERSONAL)

    restored = runner.invoke(app, ["restore", str(copy)])
    assert restored.exit_code == 0, restored.output
    assert "再次删除 1 位患者" in restored.output and "患者编号 1," in restored.output
    assert _erased(cli_env)
    assert runner.invoke(app, ["invite", "F1", "--bot-username", "b"]).exit_code == 1
    listed = _audit()
    assert listed.count("patient.erase  ") == 1 and "patient.erase.again" in listed
    assert "database.restore" in listed and "restored from before.db" in listed

    again = runner.invoke(app, ["restore", str(copy)])
    assert again.exit_code == 0, again.output
    assert "再次删除 1 位患者" in again.output and _erased(cli_env)
    listed = _audit()  # the first restore's event came back from the ledger
    assert listed.count("database.restore") == 2 and listed.count("patient.erase  ") == 1
    assert listed.index("patient.erase  ") < listed.index("database.restore")


@pytest.mark.sqlite_only
def test_a_lost_ledger_is_rebuilt_from_the_database_being_replaced(
    cli_env: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _seeded(cli_env)
    copy = tmp_path / "before.db"
    assert runner.invoke(app, ["backup", str(copy)]).exit_code == 0
    assert runner.invoke(app, ["forget", "F1", "--yes"]).exit_code == 0
    _ledger(cli_env).unlink()  # lost, or erased before the ledger existed
    monkeypatch.setenv("FOLLOWUP_LOCALE", "en")
    restored = runner.invoke(app, ["restore", str(copy)])
    assert restored.exit_code == 0, restored.output
    assert "Erased again, from the erasure ledger, the personal data of 1 patient that" in (
        restored.output
    )
    assert _erased(cli_env) and pseudonym("F1") in _ledger(cli_env).read_text(encoding="utf-8")
    assert "patient.erase  " in _audit()


@pytest.mark.sqlite_only
def test_a_missing_or_damaged_ledger_stops_the_restore_and_says_how_to_fix_it(
    cli_env: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _seeded(cli_env)
    copy = tmp_path / "before.db"
    assert runner.invoke(app, ["backup", str(copy)]).exit_code == 0
    assert runner.invoke(app, ["forget", "F1", "--yes"]).exit_code == 0
    ledger = _ledger(cli_env)
    with ledger.open("a", encoding="utf-8") as handle:
        handle.write('{"kind": "erasure", "at": "yesterday"}\n')
    damaged = runner.invoke(app, ["restore", str(copy)])
    assert damaged.exit_code == 1 and str(ledger) in damaged.output
    assert " 第 2 行无法读取" in damaged.output and "没有做任何更改" in damaged.output
    assert _erased(cli_env)  # the database was not replaced
    checked = runner.invoke(app, ["check"])  # found before a restore needs it
    assert f"删除台账 {ledger} 第 2 行无法读取" in checked.output
    monkeypatch.setenv("FOLLOWUP_LOCALE", "en")
    english = runner.invoke(app, ["restore", str(copy)])
    assert english.exit_code == 1 and "cannot be read at line 2" in english.output

    ledger.unlink()
    database = tmp_path / "followup.db"
    database.unlink()  # the disk was lost: nothing tells who was erased
    missing = runner.invoke(app, ["restore", str(copy)])
    assert missing.exit_code == 1 and f"touch {ledger}" in missing.output
    assert "is missing; nothing was changed" in missing.output and not database.exists()
    ledger.touch()  # the fix when no patient was ever erased
    assert runner.invoke(app, ["restore", str(copy)]).exit_code == 0


def test_reapply_erasures_after_a_restore_by_other_means(
    cli_env: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As after pg_restore: another database with the same patients, the same ledger."""
    ledger = tmp_path / "ledger" / "erasures.jsonl"
    monkeypatch.setenv("FOLLOWUP_ERASURE_LEDGER", str(ledger))
    missing = runner.invoke(app, ["reapply-erasures"])
    assert missing.exit_code == 1 and str(ledger) in missing.output and "touch" in missing.output
    _seeded(cli_env)
    assert runner.invoke(app, ["forget", "F1", "--yes"]).exit_code == 0
    restored = make_settings(tmp_path / "restored")
    _seeded(restored)
    monkeypatch.setenv("FOLLOWUP_DATABASE_URL", restored.database_url)

    done = runner.invoke(app, ["reapply-erasures"])
    assert done.exit_code == 0, done.output
    assert "再次删除 1 位患者" in done.output and _erased(restored)
    twice = runner.invoke(app, ["reapply-erasures"])
    assert twice.exit_code == 0 and "无需再次删除" in twice.output
    listed = _audit()
    assert listed.count("patient.erase  ") == 1 and listed.count("database.restore") == 2
    kinds = [json.loads(line)["kind"] for line in ledger.read_text(encoding="utf-8").splitlines()]
    assert kinds == ["erasure", "restore", "restore"]
