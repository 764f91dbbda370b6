"""Late enrolment and catch-up that read true: one check-in that fits today, in plan order."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.demo.fake_telegram import Fault
from bot.demo.harness import BotHarness
from bot.domain.elapsed import Elapsed, ElapsedUnit, elapsed_since
from bot.domain.periods import month_period
from bot.services.statistics import compute_stats
from bot.storage.outbox_records import OutboxRow
from bot.storage.schema import scheduled_messages as m
from bot.templating import Renderer
from tests.harness import START, RecordFields, enrol, local, make_settings, record, seed

CHAT = 7373
GENERAL: RecordFields = {"department": "呼吸科", "diagnosis": "社区获得性肺炎"}
CHRONIC: RecordFields = {"department": "心内科", "diagnosis": "高血压3级"}


@pytest.fixture
async def patient_office(tmp_path: Path) -> AsyncIterator[BotHarness]:
    """An office that catches up steps up to 30 days late."""
    bot = BotHarness(make_settings(tmp_path, catch_up="30d"), START)
    await bot.start()
    yield bot
    await bot.stop()


async def steps(harness: BotHarness, chat: int | None = None) -> dict[str, OutboxRow]:
    rows = await harness.services.store.outbox.rows()
    return {r.step_key: r for r in rows if chat is None or r.chat_id == chat}


async def run_until(harness: BotHarness, moment_text: tuple[str, str]) -> None:
    """Tick at every send time up to a local moment, as the dispatcher would."""
    end = local(*moment_text)
    while True:
        pending = [
            r.send_at for r in await harness.services.store.outbox.rows(m.c.status == "pending")
        ]
        upcoming = sorted(t for t in pending if harness.clock.now() < t <= end)
        harness.clock.advance((upcoming[0] if upcoming else end) - harness.clock.now())
        await harness.tick()
        if not upcoming:
            return


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (0, Elapsed(ElapsedUnit.DAYS, 0)),
        (3, Elapsed(ElapsedUnit.DAYS, 3)),
        (7, Elapsed(ElapsedUnit.WEEKS, 1)),
        (9, Elapsed(ElapsedUnit.DAYS, 9)),
        (14, Elapsed(ElapsedUnit.WEEKS, 2)),
        (29, Elapsed(ElapsedUnit.DAYS, 29)),
        (31, Elapsed(ElapsedUnit.MONTHS, 1)),
        (35, Elapsed(ElapsedUnit.MONTHS, 1, more=True)),
        (181, Elapsed(ElapsedUnit.MONTHS, 6)),
        (400, Elapsed(ElapsedUnit.YEARS, 1, more=True)),
    ],
)
def test_time_since_discharge_in_words(days: int, expected: Elapsed) -> None:
    start = date(2026, 1, 15)
    assert elapsed_since(start, start + timedelta(days=days)) == expected


@pytest.mark.parametrize(
    ("elapsed", "zh", "en"),
    [
        (Elapsed(ElapsedUnit.DAYS, 9), "9天", "9 days"),
        (Elapsed(ElapsedUnit.WEEKS, 2), "两周", "2 weeks"),
        (Elapsed(ElapsedUnit.MONTHS, 1, more=True), "一个多月", "over a month"),
        (Elapsed(ElapsedUnit.MONTHS, 6), "半年", "six months"),
        (Elapsed(ElapsedUnit.YEARS, 1, more=True), "一年多", "over a year"),
    ],
)
def test_both_languages_say_it(elapsed: Elapsed, zh: str, en: str) -> None:
    renderer = Renderer()
    variables = {"unit": elapsed.unit, "count": elapsed.count, "more": elapsed.more}
    assert renderer.render("plans/since_discharge", "zh_CN", **variables) == zh
    assert renderer.render("plans/since_discharge", "en", **variables) == en


async def test_enrolling_9_days_late_gets_one_true_first_checkin(
    patient_office: BotHarness,
) -> None:
    harness = patient_office
    await seed(harness.settings, record(discharged_at=local("2026-11-13"), **GENERAL))
    await enrol(harness, CHAT)
    planned = await steps(harness)
    assert planned["day3"].status == "superseded"
    assert planned["day7"].status == "pending"
    assert planned["day7"].survey == "checkin_first"  # the first contact asks the first questions
    await run_until(harness, ("2026-11-22", "11:00"))
    texts = [d.params["text"] for d in harness.telegram.delivered_to(CHAT)]
    assert len(texts) == 2 and "小贴士" in texts[0]  # the home-care advice, then the check-in
    assert "您出院已经9天了" in texts[1]
    assert "3天" not in texts[1] and "一周" not in texts[1]
    assert any(":good_time:" in b for b in harness.telegram.last_buttons(CHAT))

    stats = await compute_stats(
        harness.services.store,
        harness.services.scheduling.surveys,
        harness.settings.zone,
        month_period("2026-11"),
        None,
        min_answers=1,
    )
    assert stats.superseded == 1
    assert stats.failed == {} and stats.missed == 0
    assert [(s.step, s.sent) for s in stats.steps] == [("day7", 1)]


async def test_a_chronic_patient_enrolling_after_29_days_is_not_told_two_weeks(
    patient_office: BotHarness,
) -> None:
    harness = patient_office
    await seed(harness.settings, record(discharged_at=local("2026-10-24"), **CHRONIC))
    await enrol(harness, CHAT)
    planned = await steps(harness)
    assert (planned["week2"].status, planned["week4"].status) == ("superseded", "pending")
    await run_until(harness, ("2026-11-22", "11:00"))
    [checkin] = [
        d.params["text"]
        for d in harness.telegram.delivered_to(CHAT)
        if "出院已经" in d.params["text"]
    ]
    assert "您出院已经29天了" in checkin and "两周" not in checkin and "四周" not in checkin


async def test_steps_spread_in_one_window_keep_plan_order(tmp_path: Path) -> None:
    harness = BotHarness(make_settings(tmp_path, catch_up="7d"), local("2026-11-22", "21:00"))
    await harness.start()
    try:
        numbers = [f"ZY{i:03d}" for i in range(10)]
        discharge = local("2026-11-19", "12:00")
        await seed(
            harness.settings, *(record(n, discharged_at=discharge, **GENERAL) for n in numbers)
        )
        for offset, number in enumerate(numbers):
            await enrol(harness, 1000 + offset, number)
        for offset in range(len(numbers)):
            planned = await steps(harness, 1000 + offset)
            assert planned["day1_home_care"].send_at < planned["day3"].send_at
        await run_until(harness, ("2026-11-23", "11:30"))
        for offset in range(len(numbers)):
            texts = [d.params["text"] for d in harness.telegram.delivered_to(1000 + offset)]
            assert len(texts) == 2 and "小贴士" in texts[0] and "您出院已经4天了" in texts[1]
    finally:
        await harness.stop()


async def test_after_downtime_only_the_checkin_that_fits_today_goes(tmp_path: Path) -> None:
    harness = BotHarness(make_settings(tmp_path, catch_up="7d"), START)
    await harness.start()
    try:
        await seed(harness.settings, record(discharged_at=local("2026-11-20"), **GENERAL))
        await enrol(harness, CHAT)
        await harness.tick()  # the day-1 advice
        harness.clock.advance(local("2026-11-27", "10:30") - harness.clock.now())  # down 5 days
        await harness.tick()
        planned = await steps(harness)
        assert planned["day3"].status == "superseded"
        assert planned["day7"].status == "sent"
        texts = [d.params["text"] for d in harness.telegram.delivered_to(CHAT)]
        assert len(texts) == 2 and "您出院已经一周了" in texts[1]
    finally:
        await harness.stop()


async def test_a_later_step_waits_for_an_earlier_one_retried(harness: BotHarness) -> None:
    """The day-1 advice fails once and is retried: the day-3 check-in waits for it."""
    await seed(harness.settings, record(discharged_at=local("2026-11-20"), **GENERAL))
    await enrol(harness, CHAT)
    harness.clock.advance(local("2026-11-23") - harness.clock.now())
    harness.telegram.faults.append(Fault(status=500, chat_id=CHAT))
    await harness.tick()
    assert harness.telegram.delivered_to(CHAT) == []
    for _ in range(3):
        harness.clock.advance(timedelta(seconds=30))
        await harness.tick()
    texts = [d.params["text"] for d in harness.telegram.delivered_to(CHAT)]
    assert len(texts) == 2 and "小贴士" in texts[0] and "您出院已经3天了" in texts[1]
