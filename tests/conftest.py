"""Shared fixtures."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.demo.harness import BotHarness
from bot.settings import Settings
from tests.harness import START, make_settings


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


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> Settings:
    """Point the CLI at the test's database, in the default locale."""
    monkeypatch.setenv("FOLLOWUP_DATABASE_URL", settings.database_url)
    monkeypatch.delenv("FOLLOWUP_LOCALE", raising=False)
    return settings
