"""The start check: after an unclean stop, SQLite's quick check runs beside start-up.

On a large file `PRAGMA quick_check` takes minutes (110 s at 2.5 GB), so `followup run` waits
for it only a moment (FOLLOWUP_START_CHECK_WAIT). If it has not finished by then, the bot
starts and answers people, but the dispatcher sends nothing and sweeps nothing until the check
has passed; if the check finds damage, the bot stops and says so, as it does when the damage
is found before start. A clean stop, a first start on PostgreSQL: nothing to check.
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing
from pathlib import Path

PROBLEM_SHOWN = 300  # characters of SQLite's description of damage


class StartCheck:
    """The state of the start check: running, passed, or failed with SQLite's description."""

    def __init__(self) -> None:
        self._done = threading.Event()
        self._problem: str | None = None

    @classmethod
    def not_needed(cls) -> StartCheck:
        """Return a check that has passed: the last run stopped cleanly, or not SQLite."""
        check = cls()
        check.finish(None)
        return check

    @classmethod
    def begin(cls, database: Path) -> StartCheck:
        """Start checking a SQLite file in a thread of its own, on a read-only connection."""
        check = cls()
        threading.Thread(
            target=lambda: check.finish(quick_check_problem(database)),
            name="start-check",
            daemon=True,
        ).start()
        return check

    def finish(self, problem: str | None) -> None:
        """Record the check's result: None when the file is sound."""
        self._problem = problem
        self._done.set()

    def wait(self, seconds: float) -> bool:
        """Wait up to `seconds` for the check; say whether it has finished."""
        return self._done.wait(seconds)

    @property
    def passed(self) -> bool:
        """Say whether the check has finished and found the file sound."""
        return self._done.is_set() and self._problem is None

    @property
    def failed(self) -> bool:
        """Say whether the check has finished and found damage."""
        return self._done.is_set() and self._problem is not None

    @property
    def problem(self) -> str | None:
        """Return SQLite's description of the damage found, else None."""
        return self._problem[:PROBLEM_SHOWN] if self._problem is not None else None


def quick_check_problem(database: Path) -> str | None:
    """Run PRAGMA quick_check on a SQLite file; return its description of damage, else None."""
    try:
        with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as connection:
            result = connection.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as error:  # damage bad enough that the check cannot run
        return str(error)
    return None if result == "ok" else str(result)
