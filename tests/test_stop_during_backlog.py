"""A restart does not wait for a backlog: once the bot is told to stop, the dispatcher's tick
ends with the batch in flight, and the rest goes out after the start, each message once."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.demo.fake_telegram import Hold
from bot.demo.harness import BotHarness
from bot.settings import Settings
from tests.harness import enrol, local, make_settings, record, seed

BATCH = 10  # FOLLOWUP_RATE 10 x FOLLOWUP_DISPATCH_INTERVAL 0.5 s x 2 (bot.app.dispatch_config)
PATIENTS = BATCH + 4  # each with the first step of the plan due: more than a batch
FIRST_CHAT = 9000


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path, rate=10, dispatch_interval=0.5)


async def backlog(harness: BotHarness) -> list[int]:
    """Enrol patients whose first plan step is due now; return their chats."""
    discharged = local("2026-11-20")
    records = [
        record(f"ZY{n:03d}", line=n + 2, department="呼吸科", discharged_at=discharged)
        for n in range(PATIENTS)
    ]
    await seed(harness.settings, *records)
    harness.clock.advance(local("2026-11-21", "10:00") - harness.clock.now())
    return [(await enrol(harness, FIRST_CHAT + n, f"ZY{n:03d}")).chat_id for n in range(PATIENTS)]


def delivered(harness: BotHarness, chats: list[int]) -> int:
    return sum(len(harness.telegram.delivered_to(chat)) for chat in chats)


async def test_a_stop_waits_for_the_batch_in_flight_not_the_backlog(
    harness: BotHarness,
) -> None:
    chats = await backlog(harness)
    first = Hold("sendMessage")
    harness.telegram.holds.append(first)
    app = harness.app
    assert app is not None
    await app.start()  # the JobQueue runs the dispatcher's tick at once, as `followup run` does
    await first.reached.wait()
    stopping = asyncio.create_task(app.stop())  # Ctrl-C while the first batch goes out
    await asyncio.sleep(0)  # the stop begins (no time passes)
    first.release.set()
    await stopping
    assert 0 < delivered(harness, chats) <= BATCH
    await harness.restart()
    await harness.tick()
    await harness.tick()
    assert [len(harness.telegram.delivered_to(chat)) for chat in chats] == [1] * PATIENTS
