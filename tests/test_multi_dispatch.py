"""Three dispatcher processes on one PostgreSQL database share 10,000 due messages: none
lost, none twice (the SKIP LOCKED claim). Runs in the PostgreSQL pass of the suite."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.multi_dispatch import run
from tests.backends import database_url


@pytest.mark.postgres_only
def test_three_processes_send_every_message_once(tmp_path: Path) -> None:
    url = database_url(tmp_path)
    result = run(url, processes=3, messages=10_000, chats=2_000)
    assert (result["lost"], result["duplicates"]) == (0, 0), result
    assert result["recorded_sent"] == 10_000
    assert url.startswith("postgresql")
