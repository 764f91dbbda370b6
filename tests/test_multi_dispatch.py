"""Three dispatcher processes on one database share 10,000 due messages: none lost, none twice.

On the PostgreSQL run (FOLLOWUP_TEST_BACKEND=postgresql) this is the SKIP LOCKED claim; on
SQLite the same test checks the claim of one writer at a time.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.multi_dispatch import run
from tests.backends import database_url, on_postgres


def test_three_processes_send_every_message_once(tmp_path: Path) -> None:
    url = database_url(tmp_path)
    result = run(url, processes=3, messages=10_000, chats=2_000)
    assert (result["lost"], result["duplicates"]) == (0, 0), result
    assert result["recorded_sent"] == 10_000
    assert url.startswith("postgresql") == on_postgres()
