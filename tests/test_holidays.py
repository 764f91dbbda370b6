"""Holidays after 2026: the office's file, chinese-calendar, then the `holidays` package."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.demo.harness import BotHarness
from bot.domain.holidays import (
    HolidaySource,
    LayeredHolidays,
    holiday_data_warning,
)
from bot.domain.office_holidays import (
    HolidayFileError,
    load_office_years,
    parse_office_file,
    parse_office_text,
)
from bot.settings import Settings
from bot.storage.schema import scheduled_messages as m
from tests.harness import (
    SHANGHAI,
    RecordFields,
    captured_logs,
    enrol,
    local,
    make_settings,
    record,
    seed,
)

CHAT = 5150
GENERAL: RecordFields = {"department": "呼吸科", "diagnosis": "社区获得性肺炎"}
NOTICE_2027 = """\
# 国务院办公厅关于2027年部分节假日安排的通知 (example for the tests)
放假 2027-01-01~2027-01-03 元旦
放假 2027-02-05~2027-02-12 春节   # 除夕 to 正月初七
上班 2027-02-20                    春节调休上班
上班 2027-02-21
放假 2027-10-01 至 2027-10-07 国庆节
上班 2027-10-09 国庆调休上班
"""
runner = CliRunner()


def write_notice(folder: Path, year: int, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{year}.txt"
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- the office's file


def test_the_office_file_lists_holidays_and_adjusted_working_days(tmp_path: Path) -> None:
    year = parse_office_file(write_notice(tmp_path, 2027, NOTICE_2027))
    assert date(2027, 2, 8) in year.holidays and date(2027, 2, 12) in year.holidays
    assert len(year.holidays) == 3 + 8 + 7
    assert year.workdays == {date(2027, 2, 20), date(2027, 2, 21), date(2027, 10, 9)}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("放假 2027-02-30 春节", "2027.txt, line 1: 2027-02-30 is not a day of the calendar"),
        ("放假 27-2-8", "2027.txt, line 1: '27-2-8' is not a date; write it as YYYY-MM-DD"),
        ("休假 2027-02-08", "2027.txt, line 1: '休假 2027-02-08': expected 放假 (holiday)"),
        (
            "放假 2027-02-08\n上班 2027-02-03",
            "2027.txt, line 2: 2027-02-03 is a Wednesday, already a working day",
        ),
        (
            "放假 2027-02-06~2027-02-12\n\n上班 2027-02-07",
            "2027.txt, line 3: 2027-02-07 is already listed as a holiday (放假) on line 1; "
            "list each day once",
        ),
        (
            "放假 2026-12-31~2027-01-01 元旦",
            "2027.txt, line 1: 2026-12-31 is not in 2027; this file is for 2027 only, "
            "put 2026's days in 2026.txt",
        ),
        ("放假 2027-02-12~2027-02-06", "line 1: the range ends (2027-02-06) before it starts"),
        ("放假 2027-02-01~2027-03-01", "line 1: a range of 29 days; no holiday is longer"),
        ("# nothing yet", "2027.txt: lists no holidays; copy the State Council's notice"),
    ],
)
def test_a_wrong_office_file_names_the_line_and_the_fix(text: str, message: str) -> None:
    with pytest.raises(HolidayFileError) as caught:
        parse_office_text(text, 2027, "messages/holidays/2027.txt")
    assert message in str(caught.value)


def test_a_file_name_that_is_no_year_is_refused(tmp_path: Path) -> None:
    write_notice(tmp_path, 2027, NOTICE_2027).rename(tmp_path / "2027年.txt")
    with pytest.raises(HolidayFileError, match=r"2027年.txt: the file name must be the year"):
        load_office_years(tmp_path)
    assert load_office_years(tmp_path / "absent") == {}


# ---------------------------------------------------------------- precedence and warnings


def test_precedence_office_then_chinese_calendar_then_the_holidays_package(
    tmp_path: Path,
) -> None:
    bare = LayeredHolidays({})
    assert bare.source(2026) is HolidaySource.CHINESE_CALENDAR
    assert bare.source(2027) is HolidaySource.HOLIDAYS_PACKAGE
    assert bare.is_public_holiday(date(2027, 2, 8))  # Spring Festival, from the package
    assert bare.is_public_holiday(date(2026, 10, 1))
    assert not bare.is_public_holiday(date(2026, 10, 10))  # 调休 Saturday, chinese-calendar
    assert bare.is_adjusted_workday(date(2026, 10, 10))

    office = LayeredHolidays(load_office_years(tmp_path))
    write_notice(tmp_path, 2027, NOTICE_2027)
    office = LayeredHolidays(load_office_years(tmp_path))
    assert office.source(2027) is HolidaySource.OFFICE
    assert office.is_adjusted_workday(date(2027, 2, 20))
    assert office.is_public_holiday(date(2027, 2, 12))  # the office's notice wins
    write_notice(tmp_path, 2026, "放假 2026-11-18 院庆\n")
    overridden = LayeredHolidays(load_office_years(tmp_path))
    assert overridden.is_public_holiday(date(2026, 11, 18))
    assert not overridden.is_public_holiday(date(2026, 10, 1))  # the office file is the year


def test_the_warning_comes_60_days_before_authoritative_data_ends(tmp_path: Path) -> None:
    bare = LayeredHolidays({})
    assert holiday_data_warning(bare, date(2026, 10, 31)) is None
    warning = holiday_data_warning(bare, date(2026, 11, 1))
    assert warning is not None
    assert (warning.last_day, warning.next_year, warning.days_left) == (
        date(2026, 12, 31),
        2027,
        60,
    )
    ended = holiday_data_warning(bare, date(2027, 1, 5))
    assert ended is not None and ended.days_left < 0  # the package's estimates do not count
    write_notice(tmp_path, 2027, NOTICE_2027)
    assert (
        holiday_data_warning(LayeredHolidays(load_office_years(tmp_path)), date(2026, 12, 6))
        is None
    )


# ---------------------------------------------------------------- through the bot


@pytest.fixture
async def in_2027(tmp_path: Path) -> AsyncIterator[BotHarness]:
    write_notice(tmp_path / "holidays", 2027, NOTICE_2027)
    settings = make_settings(tmp_path, holidays_dir=tmp_path / "holidays")
    bot = BotHarness(settings, local("2027-01-20", "12:00"))
    await bot.start()
    yield bot
    await bot.stop()


async def test_a_message_due_on_the_spring_festival_is_not_sent_that_day(
    harness: BotHarness,
) -> None:
    """No office file: 2027 comes from the holidays package."""
    harness.clock.advance(local("2027-02-01", "12:00") - harness.clock.now())
    await seed(harness.settings, record(discharged_at=local("2027-02-01", "12:00"), **GENERAL))
    await enrol(harness, CHAT)
    [day7] = await harness.services.store.outbox.rows(m.c.step_key == "day7")
    assert day7.due_at == local("2027-02-08", "12:00")
    assert day7.send_at.astimezone(SHANGHAI).date() > date(2027, 2, 8)
    harness.clock.advance(local("2027-02-08", "15:00") - harness.clock.now())
    await harness.tick()
    assert harness.telegram.delivered_to(CHAT) == []  # day 1 and day 3 are long missed by now
    harness.clock.advance(day7.send_at - harness.clock.now())
    await harness.tick()
    [sent] = harness.telegram.delivered_to(CHAT)
    assert sent.params["text"].startswith("您好")


async def test_the_office_file_decides_2027(in_2027: BotHarness) -> None:
    await seed(in_2027.settings, record(discharged_at=local("2027-02-02", "12:00"), **GENERAL))
    in_2027.clock.advance(local("2027-02-02", "12:00") - in_2027.clock.now())
    await enrol(in_2027, CHAT)
    planned = {r.step_key: r for r in await in_2027.services.store.outbox.rows()}
    day3 = planned["day3"].send_at.astimezone(SHANGHAI)  # due 02-05, 除夕
    assert day3.date() == date(2027, 2, 13)  # after the office's holiday ending 02-12
    day14 = planned["day14_healthy_living"].send_at.astimezone(SHANGHAI)
    assert day14.date() == date(2027, 2, 16)


async def test_an_adjusted_working_day_is_a_send_day_when_weekends_are_off(
    tmp_path: Path,
) -> None:
    write_notice(tmp_path / "holidays", 2027, NOTICE_2027)
    settings = make_settings(tmp_path, holidays_dir=tmp_path / "holidays", send_on_weekends=False)
    bot = BotHarness(settings, local("2027-02-17", "12:00"))
    await bot.start()
    try:
        await seed(
            settings,
            record("ZY001", discharged_at=local("2027-02-17", "12:00"), **GENERAL),
            record("ZY002", discharged_at=local("2027-03-03", "12:00"), **GENERAL),
        )
        await enrol(bot, CHAT, "ZY001")
        bot.clock.advance(local("2027-03-03", "12:00") - bot.clock.now())
        await enrol(bot, CHAT + 1, "ZY002")
        rows = await bot.services.store.outbox.rows(m.c.step_key == "day3")
        sent_on = {r.chat_id: r.send_at.astimezone(SHANGHAI).date() for r in rows}
        assert sent_on[CHAT] == date(2027, 2, 20)  # a Saturday worked instead (调休上班)
        assert sent_on[CHAT + 1] == date(2027, 3, 8)  # due Saturday 03-06: the Monday after
    finally:
        await bot.stop()


def test_run_and_the_start_up_log_name_a_broken_file_and_the_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "holidays"
    write_notice(folder, 2027, "放假 2027-02-08\n放假 2027-13-01 国庆节\n")
    monkeypatch.setenv("FOLLOWUP_TELEGRAM_TOKEN", "123456:" + "S" * 34)
    monkeypatch.setenv("FOLLOWUP_HOSPITAL_NAME", "市第一人民医院")
    monkeypatch.setenv("FOLLOWUP_HOLIDAYS_DIR", str(folder))
    monkeypatch.setenv("FOLLOWUP_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/x.db")
    with captured_logs("text", "INFO"):  # `run` sets up logging; put it back afterwards
        result = runner.invoke(app, ["run"])
    assert result.exit_code == 2
    assert "2027.txt, line 2: 2027-13-01 is not a day of the calendar" in result.output
    assert "Traceback" not in result.output


def test_check_fails_clearly_on_a_broken_office_file(
    cli_env: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "office"
    write_notice(folder, 2027, "放假 2027-02-06\n\n上班 2027-02-06 调休\n")
    monkeypatch.setenv("FOLLOWUP_HOLIDAYS_DIR", str(folder))
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1
    assert "节假日文件有误" in result.output
    assert "2027.txt, line 3: 2027-02-06 is already listed as a holiday (放假) on line 1" in (
        result.output
    )


async def test_the_start_up_log_warns_before_the_data_runs_out(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    bot = BotHarness(settings, local("2026-12-06", "12:00"))
    with captured_logs("text", "INFO") as logs:
        await bot.start()
        await bot.stop()
    assert "notices ends on 2026-12-31" in logs.getvalue()
    assert "messages/holidays/2027.txt" in logs.getvalue()
