"""Audit listings show the settings' local time, like everything else (stored in UTC)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.demo.harness import BotHarness
from bot.domain.roles import Role
from bot.settings import Settings
from bot.storage.audit import Actor
from bot.storage.store import Store

runner = CliRunner()
ADMIN = 7300
AT = datetime(2026, 11, 22, 20, 5, tzinfo=UTC)  # the 23rd in Shanghai, the 22nd in Berlin


async def _record(settings: Settings) -> None:
    store = Store.open(settings.database_url)
    try:
        await store.audit.record(AT, Actor.cli(), "import", "file:list.csv", "new 1")
    finally:
        await store.close()


def test_the_cli_lists_and_selects_audit_entries_in_local_time(
    cli_env: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    asyncio.run(_record(cli_env))
    listed = runner.invoke(app, ["audit", "--since", "2026-11-23"])  # a local day
    assert listed.exit_code == 0, listed.output
    assert listed.stdout.startswith("2026-11-23 04:05:00  cli:")
    as_json = runner.invoke(app, ["audit", "--since", "2026-11-23", "--json"])
    assert json.loads(as_json.stdout.splitlines()[0])["at"] == "2026-11-23T04:05:00+08:00"
    monkeypatch.setenv("FOLLOWUP_TIMEZONE", "Europe/Berlin")
    berlin = runner.invoke(app, ["audit", "--since", "2026-11-23"])
    assert berlin.stdout == ""  # 21:05 on the 22nd in Berlin
    assert runner.invoke(app, ["audit", "--since", "2026-11-22"]).stdout.startswith(
        "2026-11-22 21:05:00"
    )


async def test_audit_in_chat_shows_local_time(harness: BotHarness) -> None:
    store = harness.services.store
    await store.staff.upsert(ADMIN, Role.ADMIN, None, "信息科", harness.clock.now())
    await store.audit.record(AT, Actor.cli(), "import", "file:list.csv", "new 1")
    await harness.text(ADMIN, "/audit 7")
    shown = harness.telegram.last_text(ADMIN)
    assert "11-23 04:05" in shown and "20:05" not in shown
