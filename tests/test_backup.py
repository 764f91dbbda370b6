"""Backup while the bot runs; restore refused while it runs, checked, then migrated."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.demo.harness import BotHarness
from bot.settings import Settings
from bot.storage.backup import hold_run_lock
from bot.storage.database import sqlite_path
from tests.harness import START, record, seed

pytestmark = pytest.mark.sqlite_only  # SQLite files: backup, PRAGMAs, read-only opens

runner = CliRunner()


def _seeded(settings: Settings) -> None:
    async def work() -> None:
        harness = BotHarness(settings, START)
        await harness.start()
        await seed(settings, record("B1"), record("B2"))
        await harness.stop()

    asyncio.run(work())


def test_backup_while_running_and_restore_after_stopping(cli_env: Settings, tmp_path: Path) -> None:
    _seeded(cli_env)
    database = sqlite_path(cli_env.database_url)
    assert database is not None
    lock = hold_run_lock(database)  # as `followup run` holds it
    copy = tmp_path / "backup.db"
    result = runner.invoke(app, ["backup", str(copy)])
    assert result.exit_code == 0, result.output
    assert oct(copy.stat().st_mode & 0o777) == "0o600"
    refused = runner.invoke(app, ["restore", str(copy)])
    assert refused.exit_code == 1 and "followup run" in refused.output
    lock.close()
    restored = runner.invoke(app, ["restore", str(copy)])
    assert restored.exit_code == 0, restored.output
    assert "before-restore" in restored.output
    listed = runner.invoke(app, ["invite", "B2", "--bot-username", "b"])
    assert listed.exit_code == 0  # the patients came back with the restore


def test_a_damaged_or_foreign_file_is_refused_and_nothing_changes(
    cli_env: Settings, tmp_path: Path
) -> None:
    _seeded(cli_env)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    result = runner.invoke(app, ["restore", str(junk)])
    assert result.exit_code == 1 and "not a followup database" in result.output
    assert runner.invoke(app, ["invite", "B1", "--bot-username", "b"]).exit_code == 0
    missing = runner.invoke(app, ["restore", str(tmp_path / "nothing.db")])
    assert missing.exit_code == 1 and "no such file" in missing.output
