"""kill -9 for real: `followup run` and `followup import` as processes, the fake Bot API over
loopback HTTP; the short variant of benchmarks/crash_test.py, asserting its requirements."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.crash import outbox_crash
from benchmarks.crash_state import BEFORE_KILL, import_crash, survey_crash

pytestmark = pytest.mark.sqlite_only  # the processes run on SQLite files of their own
SEED = 8


def test_killed_while_sending_nothing_is_lost_and_a_kill_repeats_at_most_one(
    tmp_path: Path,
) -> None:
    result = outbox_crash(tmp_path, messages=300, chats=100, kills=3, seed=SEED)

    assert len(result.kills) == 3
    assert result.lost == 0, result
    assert result.duplicates <= 3, result


def test_an_import_killed_while_writing_leaves_none_or_all_of_its_rows_and_runs_again(
    tmp_path: Path,
) -> None:
    result = import_crash(tmp_path, rows=6000, seed=SEED, kill_within=0.1)

    assert result.problems() == [], result
    assert result.killed_while_running


def test_a_survey_interrupted_by_a_kill_continues_where_it_was(tmp_path: Path) -> None:
    result = survey_crash(tmp_path, seed=SEED)

    assert result.sessions == 1
    assert dict(BEFORE_KILL).items() <= result.answers.items()
    assert result.problems() == [], result
