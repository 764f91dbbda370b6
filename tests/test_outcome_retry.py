"""A busy database when outcomes are written: they are kept and written again, not lost
(lost outcomes would mean the messages go out twice once their lease expires)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from bot.demo.harness import BotHarness
from bot.storage.schema import scheduled_messages as m
from tests.harness import enrol, local, record, seed

CHAT = 790


async def test_outcomes_are_written_again_after_a_busy_database(
    harness: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await seed(harness.settings, record(department="呼吸科", discharged_at=local("2026-11-20")))
    await enrol(harness, CHAT)
    outbox = harness.services.store.outbox
    real, failures = outbox.finish_many, [1]

    async def busy_once(owner: str, outcomes: Any, now: datetime) -> int:
        if failures:
            failures.pop()
            raise OperationalError("UPDATE scheduled_messages", {}, Exception("database is locked"))
        return await real(owner, outcomes, now)

    monkeypatch.setattr(outbox, "finish_many", busy_once)
    await harness.tick()
    assert failures == []  # the first write did fail
    [row] = await outbox.rows(m.c.step_key == "day1_home_care")
    assert row.status == "sent"
    assert len(harness.telegram.delivered_to(CHAT)) == 1
