"""Several processes on one database: each periodic sweep runs in one of them per tick."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.demo.harness import BotHarness
from bot.dispatch import jobs
from bot.services.container import Services
from tests.harness import START, local
from tests.test_complaints import SUPERVISOR, complain, group_calls, setup

TICK = timedelta(seconds=4.5)


async def test_one_owner_at_a_time_and_a_survivor_takes_over(harness: BotHarness) -> None:
    leases, now = harness.services.store.leases, START
    assert await leases.take("sweeps", "a", now, TICK)
    assert not await leases.take("sweeps", "b", now + timedelta(seconds=1), TICK)
    assert await leases.take("sweeps", "a", now + timedelta(seconds=5), TICK)  # renewed
    assert not await leases.take("sweeps", "b", now + timedelta(seconds=9), TICK)
    assert await leases.take("sweeps", "b", now + timedelta(seconds=10), TICK)  # a died
    await leases.release("b")
    assert await leases.take("sweeps", "a", now + timedelta(seconds=10), TICK)  # b stopped


async def test_two_processes_sweep_once_per_tick_and_remind_once(
    harness: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    swept: list[str] = []
    real_sweeps = jobs.run_sweeps

    async def counted(services: Services) -> None:
        swept.append(services.dispatcher.owner)
        await real_sweeps(services)

    monkeypatch.setattr(jobs, "run_sweeps", counted)
    harness.clock.advance(local("2026-11-20", "10:00") - harness.clock.now())
    await setup(harness)
    await complain(harness)
    other = BotHarness(harness.settings, START)
    other.clock = harness.clock  # one shared time, as on one machine
    other.telegram = harness.telegram  # one Telegram, to count what both sent
    await other.start()
    try:
        for moment in ("2026-11-22 10:00", "2026-11-22 10:00", "2026-11-23 10:01"):
            harness.clock.advance(local(*moment.split()) - harness.clock.now())
            await harness.tick()
            await other.tick()
    finally:
        await other.stop()
    reminders = [p for p in group_calls(harness, "sendMessage") if "提醒" in str(p["text"])]
    assert len(reminders) == 1
    assert len(harness.telegram.sent(SUPERVISOR)) == 1  # one escalation, not one per process
    assert len(swept) == 3  # three ticks of two processes: one sweep each
