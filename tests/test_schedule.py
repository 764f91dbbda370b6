"""Send windows, public holidays, spreading and catch-up (pure scheduling, no I/O)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.holidays import ChineseHolidays, HolidayCalendar, NoHolidays
from bot.domain.schedule import (
    MAX_SEARCH_DAYS,
    SendPolicy,
    Window,
    is_overdue_beyond_catch_up,
    next_send_time,
    parse_windows,
    spread_offset,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
WINDOWS = "09:00-11:30,15:00-20:00"


def policy(
    windows: str = WINDOWS,
    zone: ZoneInfo = SHANGHAI,
    catch_up: timedelta = timedelta(hours=12),
    holidays: HolidayCalendar | None = None,
) -> SendPolicy:
    calendar = ChineseHolidays() if holidays is None else holidays
    return SendPolicy(parse_windows(windows), zone, calendar, catch_up)


def local(
    zone: ZoneInfo, year: int, month: int, day: int, hour: int = 0, minute: int = 0, sec: int = 0
) -> datetime:
    """Return a local wall-clock time as an aware UTC datetime."""
    return datetime(year, month, day, hour, minute, sec, tzinfo=zone).astimezone(UTC)


def moved_to(opening: datetime, closing: datetime, key: int) -> datetime:
    """Return where a message moved into [opening, closing) lands for a spread key."""
    return opening + spread_offset(key, closing - opening)


class AlwaysHoliday:
    def is_public_holiday(self, day: date) -> bool:
        return True


# ---------------------------------------------------------------- parse_windows


def test_parse_windows_reads_sorted_windows_with_spaces() -> None:
    assert parse_windows(" 09:00-11:30 , 15:00 - 20:00 ") == (
        Window(time(9, 0), time(11, 30)),
        Window(time(15, 0), time(20, 0)),
    )
    assert parse_windows("8:05-9:00") == (Window(time(8, 5), time(9, 0)),)
    assert parse_windows("09:00-11:00,11:00-12:00")[1] == Window(time(11), time(12))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "send windows '': empty window; expected HH:MM-HH:MM"),
        ("09:00-11:00,", "send windows '09:00-11:00,': empty window; expected HH:MM-HH:MM"),
        ("9-11", "send window '9-11' is not a window; expected HH:MM-HH:MM, several separated"),
        ("09:00~11:00", "send window '09:00~11:00' is not a window; expected HH:MM-HH:MM"),
        ("25:00-26:00", "send window '25:00-26:00' has an impossible time; use 00:00 to 23:59"),
        ("09:60-10:00", "send window '09:60-10:00' has an impossible time; use 00:00 to 23:59"),
        ("11:00-09:00", "send window '11:00-09:00' must start before it ends (windows cannot"),
        ("10:00-10:00", "send window '10:00-10:00' must start before it ends"),
        (
            "15:00-20:00,09:00-11:30",
            "send windows '15:00-20:00,09:00-11:30': 09:00-11:30 comes before 15:00-20:00; "
            "list them in time order, e.g. 09:00-11:30,15:00-20:00",
        ),
        (
            "09:00-12:00,11:30-14:00",
            "send windows '09:00-12:00,11:30-14:00': 09:00-12:00 and 11:30-14:00 overlap; "
            "expected HH:MM-HH:MM",
        ),
        ("09:00-12:00,09:00-10:00", "09:00-12:00 and 09:00-10:00 overlap"),
    ],
)
def test_parse_windows_errors_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_windows(text)
    assert message in str(caught.value)


def test_window_and_policy_refuse_nonsense() -> None:
    with pytest.raises(ValueError, match="must start before it ends"):
        Window(time(12), time(9))
    with pytest.raises(ValueError, match="at least one send window"):
        SendPolicy((), SHANGHAI, NoHolidays(), timedelta(hours=1))
    with pytest.raises(ValueError, match="cannot be negative"):
        SendPolicy(parse_windows(WINDOWS), SHANGHAI, NoHolidays(), timedelta(hours=-1))


# ---------------------------------------------------------------- holidays


def test_chinese_holidays_are_statutory_days_only() -> None:
    calendar = ChineseHolidays()
    assert calendar.is_public_holiday(date(2026, 10, 1))  # National Day
    assert calendar.is_public_holiday(date(2026, 10, 7))
    assert not calendar.is_public_holiday(date(2026, 10, 8))  # back to work
    assert not calendar.is_public_holiday(date(2026, 10, 10))  # Saturday, adjusted working day
    assert not calendar.is_public_holiday(date(2026, 11, 21))  # ordinary Saturday
    assert not calendar.is_public_holiday(date(2026, 11, 18))  # ordinary Wednesday
    assert calendar.is_public_holiday(date(2026, 2, 17))  # Spring Festival
    assert not calendar.is_public_holiday(date(2026, 2, 14))  # Saturday, adjusted working day


def test_chinese_holidays_outside_the_data_are_not_holidays() -> None:
    calendar = ChineseHolidays()
    assert calendar.covers(2026)
    assert calendar.covers(2004)
    assert not calendar.covers(2003)
    assert not calendar.covers(calendar.last_year + 1)
    assert not calendar.is_public_holiday(date(calendar.last_year + 1, 10, 1))
    assert not calendar.is_public_holiday(date(1999, 10, 1))


def test_no_holidays() -> None:
    assert not NoHolidays().is_public_holiday(date(2026, 10, 1))


# ---------------------------------------------------------------- next_send_time


def test_inside_a_window_on_a_working_day_is_unchanged() -> None:
    earliest = local(SHANGHAI, 2026, 11, 18, 10, 0, 7)
    assert next_send_time(earliest, policy(), spread_key=99) == earliest
    start_of_window = local(SHANGHAI, 2026, 11, 18, 15, 0)
    assert next_send_time(start_of_window, policy()) == start_of_window


def test_before_the_first_window_moves_into_it() -> None:
    opening, closing = local(SHANGHAI, 2026, 11, 18, 9), local(SHANGHAI, 2026, 11, 18, 11, 30)
    result = next_send_time(local(SHANGHAI, 2026, 11, 18, 7, 0), policy(), spread_key=5)
    assert result == moved_to(opening, closing, 5)
    assert opening <= result < closing


def test_between_windows_moves_to_the_afternoon_window() -> None:
    opening, closing = local(SHANGHAI, 2026, 11, 18, 15), local(SHANGHAI, 2026, 11, 18, 20)
    for earliest in (local(SHANGHAI, 2026, 11, 18, 11, 30), local(SHANGHAI, 2026, 11, 18, 13)):
        assert next_send_time(earliest, policy(), spread_key=7) == moved_to(opening, closing, 7)


def test_after_the_last_window_moves_to_the_next_day() -> None:
    opening, closing = local(SHANGHAI, 2026, 11, 19, 9), local(SHANGHAI, 2026, 11, 19, 11, 30)
    for earliest in (local(SHANGHAI, 2026, 11, 18, 20), local(SHANGHAI, 2026, 11, 18, 23, 59)):
        assert next_send_time(earliest, policy(), spread_key=3) == moved_to(opening, closing, 3)


def test_statutory_holidays_are_skipped() -> None:
    # 2026-10-01 .. 10-07 are the National Day holidays; 10-08 is a working Thursday.
    opening, closing = local(SHANGHAI, 2026, 10, 8, 9), local(SHANGHAI, 2026, 10, 8, 11, 30)
    for earliest in (local(SHANGHAI, 2026, 9, 30, 21), local(SHANGHAI, 2026, 10, 1, 10)):
        assert next_send_time(earliest, policy(), spread_key=1) == moved_to(opening, closing, 1)


def test_an_ordinary_weekend_is_not_skipped() -> None:
    # Friday evening -> Saturday 2026-11-21 morning.
    opening, closing = local(SHANGHAI, 2026, 11, 21, 9), local(SHANGHAI, 2026, 11, 21, 11, 30)
    result = next_send_time(local(SHANGHAI, 2026, 11, 20, 21), policy(), spread_key=2)
    assert result == moved_to(opening, closing, 2)
    sunday_noon = local(SHANGHAI, 2026, 11, 22, 10)
    assert next_send_time(sunday_noon, policy()) == sunday_noon


def test_an_adjusted_working_day_is_allowed() -> None:
    # Saturday 2026-10-10 is a working day (调休) after the National Day holidays.
    inside = local(SHANGHAI, 2026, 10, 10, 10)
    assert next_send_time(inside, policy()) == inside
    opening, closing = local(SHANGHAI, 2026, 10, 10, 9), local(SHANGHAI, 2026, 10, 10, 11, 30)
    result = next_send_time(local(SHANGHAI, 2026, 10, 9, 22), policy(), spread_key=4)
    assert result == moved_to(opening, closing, 4)


def test_years_without_holiday_data_do_not_crash() -> None:
    year = ChineseHolidays().last_year + 1
    inside = local(SHANGHAI, year, 10, 1, 10)
    assert next_send_time(inside, policy()) == inside


def test_spread_scatters_many_messages_across_the_window() -> None:
    opening, closing = local(SHANGHAI, 2026, 11, 19, 9), local(SHANGHAI, 2026, 11, 19, 11, 30)
    earliest = local(SHANGHAI, 2026, 11, 18, 21)
    results = [next_send_time(earliest, policy(), spread_key=key) for key in range(200)]
    assert all(opening <= result < closing for result in results)
    assert len(set(results)) >= 100
    assert max(results) - min(results) > timedelta(hours=2)


def test_spread_offset_is_stable_and_inside_the_length() -> None:
    length = timedelta(hours=2, minutes=30)
    assert spread_offset(12345, length) == spread_offset(12345, length)
    assert spread_offset(0, length) == timedelta(seconds=7789)  # pinned: blake2b, not hash()
    assert all(timedelta(0) <= spread_offset(key, length) < length for key in range(500))
    assert spread_offset(1, timedelta(0)) == timedelta(0)


def test_output_is_utc_whatever_the_input_zone() -> None:
    earliest = datetime(2026, 11, 18, 10, 0, tzinfo=SHANGHAI)
    result = next_send_time(earliest, policy())
    assert result == earliest
    assert result.utcoffset() == timedelta(0)
    with pytest.raises(ValueError, match="timezone-aware"):
        next_send_time(datetime(2026, 11, 18, 10), policy())


def test_dst_spring_forward_window_opening_in_berlin() -> None:
    # 2026-03-29: clocks go from 02:00 CET to 03:00 CEST.
    berlin = policy("09:00-11:30", BERLIN, holidays=NoHolidays())
    result = next_send_time(local(BERLIN, 2026, 3, 28, 21), berlin, spread_key=8)
    opening = datetime(2026, 3, 29, 7, 0, tzinfo=UTC)  # 09:00 CEST
    assert result == moved_to(opening, opening + timedelta(hours=2, minutes=30), 8)


def test_dst_fall_back_window_opening_in_berlin() -> None:
    # 2026-10-25: clocks go from 03:00 CEST back to 02:00 CET.
    berlin = policy("09:00-11:30", BERLIN, holidays=NoHolidays())
    result = next_send_time(local(BERLIN, 2026, 10, 24, 21), berlin, spread_key=8)
    opening = datetime(2026, 10, 25, 8, 0, tzinfo=UTC)  # 09:00 CET
    assert result == moved_to(opening, opening + timedelta(hours=2, minutes=30), 8)


def test_a_window_across_the_dst_jump_is_two_real_hours_long() -> None:
    night = policy("01:00-04:00", BERLIN, holidays=NoHolidays())
    opening = datetime(2026, 3, 29, 0, 0, tzinfo=UTC)  # 01:00 CET
    closing = datetime(2026, 3, 29, 2, 0, tzinfo=UTC)  # 04:00 CEST
    earliest = datetime(2026, 3, 28, 23, 0, tzinfo=UTC)  # 00:00 CET
    results = [next_send_time(earliest, night, spread_key=key) for key in range(200)]
    assert all(opening <= result < closing for result in results)
    assert results[8] == moved_to(opening, closing, 8)
    inside = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 CEST
    assert next_send_time(inside, night) == inside


def test_a_window_lost_in_the_dst_gap_is_skipped_that_day() -> None:
    gap = policy("02:30-03:00", BERLIN, holidays=NoHolidays())
    result = next_send_time(local(BERLIN, 2026, 3, 29, 0, 0), gap, spread_key=6)
    opening = datetime(2026, 3, 30, 0, 30, tzinfo=UTC)  # 02:30 CEST on the next day
    assert result == moved_to(opening, opening + timedelta(minutes=30), 6)


def test_no_window_within_the_search_limit_raises() -> None:
    closed = policy(holidays=AlwaysHoliday())
    with pytest.raises(ValueError) as caught:
        next_send_time(local(SHANGHAI, 2026, 11, 18, 10), closed)
    assert str(caught.value) == (
        f"no send window on a working day within {MAX_SEARCH_DAYS} days after "
        "2026-11-18 02:00 UTC; check the send windows and the holiday calendar"
    )


# ---------------------------------------------------------------- catch-up


def test_overdue_beyond_catch_up() -> None:
    send = policy(catch_up=timedelta(hours=12))
    due = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)
    assert not is_overdue_beyond_catch_up(due, due, send)
    assert not is_overdue_beyond_catch_up(due, due + timedelta(hours=12), send)
    assert is_overdue_beyond_catch_up(due, due + timedelta(hours=12, seconds=1), send)
    assert not is_overdue_beyond_catch_up(due, due - timedelta(days=1), send)
