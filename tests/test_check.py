"""`followup check` against the fake Bot API over loopback: all well, and each kind of problem."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from benchmarks.common import free_port, start_fake_botapi
from bot.cli import app
from bot.demo.fake_telegram import TOKEN
from bot.settings import Settings
from bot.storage import migrate
from bot.storage.database import create_engine

runner = CliRunner()


@pytest.fixture
def fake_api() -> Iterator[int]:
    server, port = start_fake_botapi(limits=False)
    yield port
    server.kill()


def _environment(monkeypatch: pytest.MonkeyPatch, port: int, staff: bool = True) -> None:
    monkeypatch.setenv("FOLLOWUP_TELEGRAM_TOKEN", TOKEN)
    monkeypatch.setenv("FOLLOWUP_HOSPITAL_NAME", "市第一人民医院")
    monkeypatch.setenv("FOLLOWUP_TELEGRAM_BASE_URL", f"http://127.0.0.1:{port}/bot")
    if staff:
        monkeypatch.setenv("FOLLOWUP_STAFF_CHAT_ID", "-1001234")
    else:
        monkeypatch.delenv("FOLLOWUP_STAFF_CHAT_ID", raising=False)


def test_all_is_well(
    cli_env: Settings, fake_api: int, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _environment(monkeypatch, fake_api)
    holidays = tmp_path / "holidays"  # the notices are known well ahead, whatever today is
    holidays.mkdir()
    for year in (date.today().year, date.today().year + 1):
        (holidays / f"{year}.txt").write_text(f"放假 {year}-10-01 国庆节\n", encoding="utf-8")
    monkeypatch.setenv("FOLLOWUP_HOLIDAYS_DIR", str(holidays))
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0, result.output
    assert "一切正常" in result.output
    assert "Telegram:机器人令牌有效" in result.output
    assert "节假日" not in result.output


async def _never_migrated(url: str) -> None:
    engine = create_engine(url)
    await migrate.downgrade(engine, "base")  # a PostgreSQL test database comes migrated
    await engine.dispose()


def test_each_problem_says_how_to_fix_it(
    cli_env: Settings, fake_api: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    _environment(monkeypatch, fake_api, staff=False)
    asyncio.run(_never_migrated(cli_env.database_url))
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1
    assert "FOLLOWUP_STAFF_CHAT_ID" in result.output
    assert "followup db upgrade" in result.output
    assert "发现 2 个问题" in result.output


def test_telegram_unreachable(cli_env: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    _environment(monkeypatch, free_port())  # nothing listens there
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1
    assert "FOLLOWUP_TELEGRAM_BASE_URL" in result.output
    assert TOKEN not in result.output
