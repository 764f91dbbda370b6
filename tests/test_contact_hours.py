"""The handbook's contact hours (003 seed): summer and winter windows, weekends, medicines."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path
from typing import Any

import pytest

from bot.demo.harness import BotHarness
from bot.domain.contact_hours import (
    MonthDay,
    SeasonalWindows,
    parse_month_day,
    seasonal_windows,
)
from bot.domain.schedule import parse_windows
from bot.settings import SettingsError, load_settings
from bot.storage.schema import scheduled_messages as m
from tests.harness import SHANGHAI, RecordFields, enrol, local, make_settings, record, seed

CHAT = 6262
GENERAL: RecordFields = {"department": "呼吸科", "diagnosis": "社区获得性肺炎"}
SUMMER = parse_windows("14:30-16:30,19:00-20:00")
WINTER = parse_windows("14:00-16:30,18:00-19:00")


def test_the_handbook_preset_changes_with_the_season() -> None:
    hours = seasonal_windows("handbook", "05-01", "10-01")
    assert hours is not None
    assert hours.on(date(2027, 4, 30)) == WINTER
    assert hours.on(date(2027, 5, 1)) == SUMMER
    assert hours.on(date(2027, 9, 30)) == SUMMER
    assert hours.on(date(2027, 10, 1)) == WINTER
    assert hours.on(date(2027, 1, 15)) == WINTER
    assert seasonal_windows("09:00-11:30", "05-01", "10-01") is None


def test_seasons_may_cross_the_new_year() -> None:
    south = SeasonalWindows(SUMMER, WINTER, MonthDay(11, 1), MonthDay(3, 1))
    assert south.on(date(2027, 1, 10)) == SUMMER
    assert south.on(date(2027, 6, 10)) == WINTER
    assert south.on(date(2027, 11, 1)) == SUMMER


def test_a_season_day_must_be_a_day_of_every_year() -> None:
    assert parse_month_day("5-1") == MonthDay(5, 1)
    with pytest.raises(ValueError, match="not a day of every year; expected MM-DD"):
        parse_month_day("02-29")
    with pytest.raises(ValueError, match="'May 1' is not a day of the year; expected MM-DD"):
        parse_month_day("May 1")


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"SEND_WINDOWS": "handbok"}, "FOLLOWUP_SEND_WINDOWS: send window 'handbok' is not"),
        ({"SEND_WINDOWS": "handbok"}, "; or a preset: handbook"),
        ({"SUMMER_STARTS": "13-01"}, "FOLLOWUP_SUMMER_STARTS: '13-01' is not a day of every"),
        ({"WINTER_STARTS": "10/01"}, "FOLLOWUP_WINTER_STARTS: '10/01' is not a day of the year"),
        (
            {"SUMMER_STARTS": "05-01", "WINTER_STARTS": "5-1"},
            "FOLLOWUP_SUMMER_STARTS and FOLLOWUP_WINTER_STARTS are both 05-01",
        ),
        ({"SEND_ON_WEEKENDS": "sometimes"}, "FOLLOWUP_SEND_ON_WEEKENDS:"),
    ],
)
def test_a_bad_contact_hours_setting_is_named(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], expected: str
) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(f"FOLLOWUP_{name}", value)
    with pytest.raises(SettingsError) as caught:
        load_settings(env_file=None)
    assert expected in str(caught.value)


async def start(tmp_path: Path, when: str, **settings: Any) -> BotHarness:
    harness = BotHarness(make_settings(tmp_path, **settings), local(when, "09:00"))
    await harness.start()
    return harness


async def test_steps_move_into_the_handbook_hours_of_their_season(tmp_path: Path) -> None:
    bot = await start(tmp_path, "2027-09-26", send_windows="handbook")
    try:
        await seed(bot.settings, record(discharged_at=local("2027-09-26", "17:00"), **GENERAL))
        await enrol(bot, CHAT)
        planned = {r.step_key: r.send_at for r in await bot.services.store.outbox.rows()}
        day3, day14 = planned["day3"], planned["day14_healthy_living"]
        assert day3.astimezone(SHANGHAI).date() == date(2027, 9, 29)
        assert time(19) <= day3.astimezone(SHANGHAI).time() < time(20)  # summer evening
        assert day14.astimezone(SHANGHAI).date() == date(2027, 10, 10)
        assert time(18) <= day14.astimezone(SHANGHAI).time() < time(19)  # winter evening
    finally:
        await bot.stop()


async def test_season_dates_are_settings(tmp_path: Path) -> None:
    bot = await start(tmp_path, "2027-09-26", send_windows="handbook", winter_starts="09-15")
    try:
        await seed(bot.settings, record(discharged_at=local("2027-09-26", "17:00"), **GENERAL))
        await enrol(bot, CHAT)
        [day3] = await bot.services.store.outbox.rows(m.c.step_key == "day3")
        assert time(18) <= day3.send_at.astimezone(SHANGHAI).time() < time(19)  # winter
    finally:
        await bot.stop()


async def test_medicine_reminders_keep_their_own_times(tmp_path: Path) -> None:
    bot = await start(tmp_path, "2027-01-15", send_windows="handbook", send_on_weekends=False)
    try:
        meds = "阿司匹林肠溶片 100mg qd 30天"
        discharge = local("2027-01-15", "10:00")  # a Friday
        await seed(bot.settings, record(discharged_at=discharge, medications=meds, **GENERAL))
        await enrol(bot, CHAT)
        bot.clock.advance(local("2027-01-16", "08:00") - bot.clock.now())  # Saturday morning
        await bot.tick()
        [reminder] = bot.telegram.delivered_to(CHAT)
        assert "阿司匹林肠溶片" in reminder.params["text"]
        rows = await bot.services.store.outbox.rows(m.c.kind == "medication")
        assert all(r.send_at.astimezone(SHANGHAI).time() == time(8, 0) for r in rows)
    finally:
        await bot.stop()
