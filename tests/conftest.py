"""Shared fixtures."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from bot.demo.harness import BotHarness
from bot.settings import Settings
from tests.backends import drop_all, on_postgres
from tests.harness import START, make_settings

pytest_plugins = ["tests.browser"]  # the `browser` fixture: headless Chromium

# CI explores the same examples every run (FOLLOWUP_CI=1 in .ci/run), so that whether a
# submission lands does not depend on luck; by hand, each run explores new ones.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("FOLLOWUP_CI"):
    hypothesis_settings.load_profile("ci")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
async def harness(settings: Settings) -> AsyncIterator[BotHarness]:
    bot = BotHarness(settings, START)
    await bot.start()
    yield bot
    if bot.app is not None:
        await bot.stop()
    if bot.sms is not None:
        await bot.sms.stop()


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, settings: Settings, tmp_path: Path) -> Settings:
    """Point the CLI at the test's database, in the default locale."""
    monkeypatch.setenv("FOLLOWUP_DATABASE_URL", settings.database_url)
    monkeypatch.delenv("FOLLOWUP_LOCALE", raising=False)
    monkeypatch.delenv("FOLLOWUP_ERASURE_LEDGER", raising=False)
    if on_postgres():  # its default, data/erasures.jsonl, is in the working folder
        monkeypatch.setenv("FOLLOWUP_ERASURE_LEDGER", str(tmp_path / "erasures.jsonl"))
    return settings


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests of one database's own features run on that database's pass only."""
    other = "postgres_only" if not on_postgres() else "sqlite_only"
    reason = {
        "sqlite_only": "tests a feature of SQLite files; this pass is on PostgreSQL",
        "postgres_only": "several processes on one database is the PostgreSQL path "
        "(followup run refuses a second process on a SQLite file); runs in the PostgreSQL pass",
    }[other]
    for item in items:
        if item.get_closest_marker(other):
            item.add_marker(pytest.mark.skip(reason=reason))


def pytest_sessionfinish() -> None:
    drop_all()
