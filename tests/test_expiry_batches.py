"""Unanswered check-ins are expired a batch per sweep, oldest first: a backlog longer than a
batch is gone through over the next sweeps, each question once."""

from __future__ import annotations

from datetime import timedelta

from bot.demo.harness import BotHarness
from bot.dispatch.sweeps import ASKED, expire_unanswered
from bot.domain.messages import MessageStatus
from bot.storage.schema import scheduled_messages as m
from tests.harness import enrol, local, record, seed

PATIENTS = 5
BATCH = 2
FIRST_CHAT = 9100


async def test_a_sweep_over_more_unanswered_check_ins_than_a_batch_does_them_all_once(
    harness: BotHarness,
) -> None:
    discharged = local("2026-11-20")
    records = [
        record(f"ZY{n:03d}", line=n + 2, department="呼吸科", discharged_at=discharged)
        for n in range(PATIENTS)
    ]
    await seed(harness.settings, *records)
    for n in range(PATIENTS):
        await enrol(harness, FIRST_CHAT + n, f"ZY{n:03d}")
    harness.clock.advance(local("2026-11-23", "10:00") - harness.clock.now())
    await harness.tick()  # the day-3 check-ins go out
    store, policy = harness.services.store, harness.services.scheduling.policy
    asked = await store.outbox.rows(m.c.step_key == "day3", m.c.status == MessageStatus.SENT)
    assert len(asked) == PATIENTS
    harness.clock.advance(timedelta(days=2))  # past their time to answer
    now = harness.clock.now()
    done = [await expire_unanswered(store, policy, now, BATCH) for _ in range(4)]
    assert done == [2, 2, 1, 0]
    assert await store.outbox.unanswered_past_due(now, ASKED, PATIENTS) == []
    for row in asked:  # each asked again later, its silence recorded once
        again = await store.outbox.get(row.id)
        assert again is not None and again.status is MessageStatus.PENDING
        assert await store.outbox.answers(row.id) == ["no_answer"]
