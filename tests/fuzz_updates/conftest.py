"""Fixtures of the update fuzzing: one live world per module, errors logged."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from tests.fuzz_updates.world import World, set_up_world
from tests.fuzzing import live_bot


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with live_bot(tmp_path_factory.mktemp("fuzz-updates")) as bot:
        found = World(bot)
        bot.run(set_up_world(bot.harness))
        found.note_buttons(bot.harness.telegram.calls)
        found.buttons = found.all_offered()
        assert {d.split(":")[0] for d in found.buttons} >= {
            "sv",
            "md",
            "rx",
            "cs",
            "ack",
            "sd",
            "te",
        }
        yield found


@pytest.fixture
def no_errors(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.ERROR)
    yield caplog
