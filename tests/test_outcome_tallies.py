"""A batch's outcomes are written with the counts the statistics read: a failed check-in under
its reason (an education step not), and nothing at all for a row whose lease was lost."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.demo.fake_telegram import Fault
from bot.demo.harness import BotHarness
from bot.domain.messages import DeliveryOutcome, MessageStatus
from bot.domain.periods import month_period
from bot.services.statistics import compute_stats
from bot.storage.outbox_records import Delivery, Outcome
from bot.storage.schema import deliveries, episodes
from bot.storage.schema import scheduled_messages as m
from tests.harness import START, RecordFields, enrol, local, make_settings, record, seed

CHAT = 7474
GENERAL: RecordFields = {"department": "呼吸科", "diagnosis": "社区获得性肺炎"}
TOO_LONG = "Bad Request: message is too long"


@pytest.fixture
async def late_office(tmp_path: Path) -> AsyncIterator[BotHarness]:
    """An office that catches up steps up to 30 days late: a stay enrolled on day 9 gets its
    home-care advice and its day-7 check-in in the same batch."""
    bot = BotHarness(make_settings(tmp_path, catch_up="30d"), START)
    await bot.start()
    yield bot
    await bot.stop()


async def month_stats(harness: BotHarness) -> tuple[dict[str, int], list[tuple[str, int]]]:
    """Failed check-ins by reason, and steps sent, in November (the first read of a new
    database computes them from the rows; later reads see the counts kept as things happen)."""
    stats = await compute_stats(
        harness.services.store,
        harness.services.scheduling.surveys,
        harness.settings.zone,
        month_period("2026-11"),
        None,
        min_answers=1,
    )
    return stats.failed, [(s.step, s.sent) for s in stats.steps]


async def enrolled_without_counts(harness: BotHarness) -> BotHarness:
    """A patient discharged on 13 November, enrolled: nothing counted yet."""
    await seed(harness.settings, record(discharged_at=local("2026-11-13"), **GENERAL))
    await enrol(harness, CHAT)
    assert await month_stats(harness) == ({}, [])  # counted from here on as outcomes come
    return harness


async def test_a_failed_check_in_counts_under_its_reason_and_an_education_step_not(
    late_office: BotHarness,
) -> None:
    harness = await enrolled_without_counts(late_office)
    harness.telegram.faults.append(Fault(status=400, description=TOO_LONG, chat_id=CHAT, times=2))
    end = local("2026-11-22", "11:00")
    while harness.clock.now() < end:  # tick at each send time, as the dispatcher would
        pending = await harness.services.store.outbox.rows(m.c.status == "pending")
        due = [r.send_at for r in pending if harness.clock.now() < r.send_at <= end]
        harness.clock.advance(min(due, default=end) - harness.clock.now())
        await harness.tick()
    rows = await harness.services.store.outbox.rows(m.c.status == MessageStatus.FAILED.value)
    assert sorted(r.kind.value for r in rows) == ["checkin", "education"]
    failed, steps = await month_stats(harness)
    assert failed == {"bad_request: Message is too long": 1}  # the check-in only
    assert steps == []  # nothing sent


async def test_outcomes_of_a_row_leased_to_another_dispatcher_are_not_written(
    late_office: BotHarness,
) -> None:
    harness = await enrolled_without_counts(late_office)
    outbox, now = harness.services.store.outbox, local("2026-11-22", "11:00")
    lease = timedelta(minutes=2)
    mine = await outbox.claim_due(now, 10, lease, "first")
    assert {r.kind.value for r in mine} == {"checkin", "education"}
    later = now + lease + timedelta(seconds=1)  # the first dispatcher's lease ran out
    theirs = await outbox.claim_due(later, 10, lease, "second")
    assert {r.id for r in theirs} == {r.id for r in mine}
    sent = [
        Outcome(
            r.id,
            Delivery(r.chat_id, DeliveryOutcome.SENT, None, 1, r.channel, r.handle),
            {"status": MessageStatus.SENT.value, "sent_at": later, "tries": r.tries + 1},
        )
        for r in mine
    ]
    assert await outbox.finish_many("first", sent, later) == 0
    rows = await outbox.rows(m.c.id.in_([r.id for r in mine]))
    assert {r.status for r in rows} == {MessageStatus.PENDING}
    async with harness.services.store.engine.connect() as conn:
        recorded = (await conn.execute(select(func.count()).select_from(deliveries))).scalar()
        followed = (await conn.execute(select(episodes.c.followed_up_at))).scalars().all()
    assert recorded == 0 and followed == [None]
    assert await month_stats(harness) == ({}, [])
    assert await outbox.finish_many("second", sent, later) == 2  # the holder's outcomes go
    assert (await month_stats(harness))[1] == [("day7", 1)]
