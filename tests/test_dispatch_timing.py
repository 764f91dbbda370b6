"""Plans become outbox rows at the right local times, inside windows, skipping holidays."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest

from bot.demo.harness import BotHarness
from bot.storage.outbox_records import OutboxRow
from bot.storage.schema import scheduled_messages as m
from tests.harness import SHANGHAI, RecordFields, enrol, local, record, seed

CHAT = 4242
# No rule matches: the general plan.
GENERAL: RecordFields = {"department": "呼吸科", "diagnosis": "社区获得性肺炎"}


async def rows(harness: BotHarness, **where: object) -> dict[tuple[str, int], OutboxRow]:
    found = await harness.services.store.outbox.rows(*(m.c[k] == v for k, v in where.items()))
    return {(r.step_key, r.occurrence): r for r in found}


async def test_general_plan_is_sent_at_local_times(harness: BotHarness) -> None:
    await seed(harness.settings, record(discharged_at=local("2026-11-20"), **GENERAL))
    await enrol(harness, CHAT)
    planned = await rows(harness)
    assert planned[("day3", 0)].send_at == local("2026-11-23")
    assert planned[("day7", 0)].send_at == local("2026-11-27")
    assert planned[("day30", 0)].send_at == local("2026-12-20")
    assert planned[("day3", 0)].kind == "checkin"

    await harness.tick()  # day 1 education was due yesterday: caught up now, in the window
    [education] = harness.telegram.delivered_to(CHAT)
    assert "reply_markup" not in education.params or not education.params["reply_markup"]
    harness.clock.advance(local("2026-11-23") - harness.clock.now())
    await harness.tick()
    assert harness.telegram.last_buttons(CHAT)[0].startswith("sv:")
    assert (await rows(harness, step_key="day3"))[("day3", 0)].status == "sent"


async def test_a_step_due_outside_the_windows_moves_into_the_next_one(
    harness: BotHarness,
) -> None:
    await seed(harness.settings, record(discharged_at=local("2026-11-20", "21:00"), **GENERAL))
    await enrol(harness, CHAT)
    day3 = (await rows(harness))[("day3", 0)]
    sent_local = day3.send_at.astimezone(SHANGHAI)
    assert sent_local.date() == date(2026, 11, 24)
    assert "09:00" <= f"{sent_local:%H:%M}" <= "11:30"
    assert day3.due_at == local("2026-11-23", "21:00")


async def test_spreading_keeps_a_crowd_inside_the_window(harness: BotHarness) -> None:
    numbers = [f"ZY{i:03d}" for i in range(40)]
    discharge = local("2026-11-20", "21:00")
    await seed(harness.settings, *(record(n, discharged_at=discharge, **GENERAL) for n in numbers))
    for offset, number in enumerate(numbers):
        await enrol(harness, 1000 + offset, number)
    times = [r.send_at for r in await harness.services.store.outbox.rows(m.c.step_key == "day3")]
    assert len(times) == 40 and len(set(times)) >= 30
    assert all("09:00" <= f"{t.astimezone(SHANGHAI):%H:%M}" <= "11:30" for t in times)


async def test_public_holidays_are_skipped(harness: BotHarness) -> None:
    harness.clock.advance(local("2026-09-28", "12:00") - harness.clock.now())
    await seed(harness.settings, record(discharged_at=local("2026-09-28"), **GENERAL))
    await enrol(harness, CHAT)
    day3 = (await rows(harness))[("day3", 0)]
    assert day3.due_at == local("2026-10-01")
    sent_day = day3.send_at.astimezone(SHANGHAI).date()
    first = date(2026, 10, 1)
    skipped = [first + timedelta(days=n) for n in range((sent_day - first).days)]
    assert skipped, "National Day must be skipped"
    assert all(chinese_calendar.get_holiday_detail(d)[1] is not None for d in skipped)
    assert chinese_calendar.get_holiday_detail(sent_day)[1] is None


async def test_ordinary_weekends_are_not_skipped(harness: BotHarness) -> None:
    await seed(harness.settings, record(discharged_at=local("2026-11-25"), **GENERAL))
    await enrol(harness, CHAT)
    assert (await rows(harness))[("day3", 0)].send_at == local("2026-11-28")  # a Saturday


async def test_backdated_list_catches_up_recent_steps_and_records_old_ones_missed(
    harness: BotHarness,
) -> None:
    await seed(harness.settings, record(discharged_at=local("2026-11-19", "09:00"), **GENERAL))
    await enrol(harness, CHAT)
    planned = await rows(harness)
    assert planned[("day1_home_care", 0)].status == "missed"  # 2 days 1 hour late
    assert planned[("day3", 0)].status == "pending"  # 1 hour late: sent now
    assert planned[("day3", 0)].send_at == harness.clock.now()
    await harness.tick()
    assert harness.telegram.last_buttons(CHAT)[0].startswith("sv:")
    missed = await harness.services.store.outbox.rows(m.c.status == "missed")
    assert [r.step_key for r in missed] == ["day1_home_care"]


async def test_editing_a_plan_replans_pending_steps_and_keeps_sent_ones(
    harness: BotHarness, tmp_path: Path
) -> None:
    await seed(harness.settings, record(discharged_at=local("2026-11-20"), **GENERAL))
    await enrol(harness, CHAT)
    await harness.tick()  # the day-1 education goes out
    plans = tmp_path / "plans"
    shutil.copytree(Path("messages/plans"), plans)
    general = plans / "general.yaml"
    general.write_text(
        general.read_text(encoding="utf-8").replace("offset: 7d", "offset: 8d"), encoding="utf-8"
    )
    await harness.stop()
    harness.settings = harness.settings.model_copy(update={"plans_dir": plans})
    await harness.start()
    await harness.tick()  # the first tick re-plans contacts planned with the old plans
    planned = await rows(harness)
    assert planned[("day7", 0)].send_at == local("2026-11-28")
    assert planned[("day1_home_care", 0)].status == "sent"
    assert planned[("day3", 0)].send_at == local("2026-11-23")


def test_the_plans_fingerprint_does_not_depend_on_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.services.planning import load_scheduling
    from bot.templating import Renderer
    from tests.harness import make_settings

    here = load_scheduling(make_settings(tmp_path), Renderer()).fingerprint
    monkeypatch.chdir(tmp_path)
    assert load_scheduling(make_settings(tmp_path), Renderer()).fingerprint == here


async def test_after_downtime_a_step_waits_for_the_next_window(harness: BotHarness) -> None:
    await seed(harness.settings, record(discharged_at=local("2026-11-20"), **GENERAL))
    await enrol(harness, CHAT)
    await harness.tick()
    sent_before = len(harness.telegram.delivered_to(CHAT))
    harness.clock.advance(local("2026-11-23", "21:00") - harness.clock.now())  # was down all day
    await harness.tick()
    assert len(harness.telegram.delivered_to(CHAT)) == sent_before  # not at night
    day3 = (await rows(harness))[("day3", 0)]
    assert day3.status == "pending" and day3.send_at.date() == local("2026-11-24").date()
    assert "09:00" <= f"{day3.send_at.astimezone(SHANGHAI):%H:%M}" <= "11:30"
