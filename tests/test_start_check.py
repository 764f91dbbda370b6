"""The start check after an unclean stop: SQLite's quick check beside start-up, the
dispatcher holding every send and sweep until it has found the file sound."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest

from bot.demo.harness import BotHarness
from bot.storage.start_check import StartCheck
from tests.harness import enrol, local, record, seed

CHAT = 890
GENERAL = {"department": "呼吸科", "discharged_at": local("2026-11-20")}


def _sound_file(tmp_path: Path) -> Path:
    path = tmp_path / "sound.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (body TEXT)")
        rows = [(f"复诊提醒 {n}" * 20,) for n in range(500)]
        db.executemany("INSERT INTO notes VALUES (?)", rows)
    return path


def _damaged_file(tmp_path: Path) -> Path:
    path = _sound_file(tmp_path)
    data = bytearray(path.read_bytes())
    data[3 * 4096 + 8 : 3 * 4096 + 200] = b"\xff" * 192  # a bad copy, a failing disk
    path.write_bytes(bytes(data))
    return path


def test_a_sound_file_passes_the_check_run_beside_start_up(tmp_path: Path) -> None:
    check = StartCheck.begin(_sound_file(tmp_path))
    assert check.wait(30)
    assert check.passed and not check.failed and check.problem is None


def test_a_damaged_file_fails_the_check_with_sqlites_description(tmp_path: Path) -> None:
    check = StartCheck.begin(_damaged_file(tmp_path))
    assert check.wait(30)
    assert check.failed and not check.passed
    assert check.problem  # what SQLite says is wrong, for the operator


async def _enrolled_with_a_step_due(harness: BotHarness) -> int:
    await seed(harness.settings, record(**GENERAL))  # type: ignore[arg-type]
    await enrol(harness, CHAT)
    harness.clock.advance(local("2026-11-23", "10:00") - harness.clock.now())
    return len(harness.telegram.delivered_to(CHAT))


async def test_nothing_is_sent_until_the_check_has_found_the_file_sound(
    harness: BotHarness,
) -> None:
    mark = await _enrolled_with_a_step_due(harness)
    check = StartCheck()  # still running
    harness.start_check = check
    await harness.restart()
    await harness.tick()
    assert len(harness.telegram.delivered_to(CHAT)) == mark
    check.finish(None)
    await harness.tick()
    assert len(harness.telegram.delivered_to(CHAT)) > mark


async def test_damage_found_while_the_bot_runs_stops_it_without_sending(
    harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    mark = await _enrolled_with_a_step_due(harness)
    check = StartCheck()
    check.finish("*** in database main *** Page 5 is never used")
    harness.start_check = check
    await harness.restart()
    with caplog.at_level(logging.ERROR):
        await harness.tick()
    assert len(harness.telegram.delivered_to(CHAT)) == mark
    assert any("damaged: stopping" in r.getMessage() for r in caplog.records)
