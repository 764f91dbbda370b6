"""Medicine reminder times: plans, quiet hours and the time settings."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from itertools import pairwise

import pytest

from bot.domain.medications.model import DEFAULT_TIMES, Frequency
from bot.domain.medications.reminders import reminder_times
from bot.domain.medications.times import (
    NO_QUIET_HOURS,
    QuietHours,
    merged_times,
    parse_quiet_hours,
    parse_times_setting,
)
from tests.medication_helpers import DISCHARGED, EARLY_DISCHARGE, NIGHT, SHANGHAI, local, one, plan

# --- reminder times -------------------------------------------------------------------------


def test_qd_thirty_days_discharged_mid_morning() -> None:
    reminders = plan(Frequency.QD, 30)
    assert len(reminders) == 30
    assert reminders[0] == datetime(2026, 11, 19, 0, 0, tzinfo=UTC)
    assert reminders[-1] == datetime(2026, 12, 18, 0, 0, tzinfo=UTC)
    assert all(r.tzinfo is UTC and r.time() == time(0, 0) for r in reminders)
    assert {b - a for a, b in pairwise(reminders)} == {timedelta(days=1)}


def test_qd_discharged_before_eight_starts_the_same_day() -> None:
    reminders = plan(Frequency.QD, 30, start=EARLY_DISCHARGE)
    assert len(reminders) == 30
    assert reminders[0] == datetime(2026, 11, 18, 0, 0, tzinfo=UTC)
    assert reminders[-1] == datetime(2026, 12, 17, 0, 0, tzinfo=UTC)


def test_reminder_exactly_at_discharge_is_not_sent() -> None:
    at_eight = datetime(2026, 11, 18, 8, 0, tzinfo=SHANGHAI)
    assert plan(Frequency.QD, 2, start=at_eight) == [
        datetime(2026, 11, 19, 0, 0, tzinfo=UTC),
        datetime(2026, 11, 20, 0, 0, tzinfo=UTC),
    ]


def test_start_in_another_zone_gives_the_same_plan() -> None:
    assert plan(Frequency.QD, 30, start=DISCHARGED.astimezone(UTC)) == plan(Frequency.QD, 30)


def test_bid_thirty_days() -> None:
    reminders = plan(Frequency.BID, 30)
    assert len(reminders) == 60
    assert local(reminders[:3]) == ["11-18 20:00", "11-19 08:00", "11-19 20:00"]
    assert local(reminders[-1:]) == ["12-18 08:00"]


def test_tid_and_qid_times() -> None:
    assert local(plan(Frequency.TID, 1)) == ["11-18 13:00", "11-18 19:00", "11-19 08:00"]
    assert local(plan(Frequency.QID, 1)) == [
        "11-18 12:00",
        "11-18 16:00",
        "11-18 20:00",
        "11-19 08:00",
    ]


def test_q8h_without_quiet_hours() -> None:
    assert local(plan(Frequency.Q8H, 1)) == ["11-18 14:00", "11-18 22:00", "11-19 06:00"]


def test_q8h_with_quiet_hours_moves_to_the_nearest_edge() -> None:
    assert local(plan(Frequency.Q8H, 2, quiet=NIGHT)) == [
        "11-18 14:00",
        "11-18 21:59",
        "11-19 07:00",
        "11-19 14:00",
        "11-19 21:59",
        "11-20 07:00",
    ]


def test_q12h() -> None:
    assert local(plan(Frequency.Q12H, 1)) == ["11-18 20:00", "11-19 08:00"]


def test_qn() -> None:
    reminders = plan(Frequency.QN, 3, quiet=NIGHT)
    assert reminders == [datetime(2026, 11, d, 13, 0, tzinfo=UTC) for d in (18, 19, 20)]


def test_qw_over_thirty_days() -> None:
    assert local(plan(Frequency.QW, 30)) == [
        "11-25 08:00",
        "12-02 08:00",
        "12-09 08:00",
        "12-16 08:00",
    ]
    assert len(plan(Frequency.QW, 30, start=EARLY_DISCHARGE)) == 5
    assert local(plan(Frequency.QW, 30, start=EARLY_DISCHARGE))[0] == "11-18 08:00"


def test_prn_has_no_reminders() -> None:
    assert plan(Frequency.PRN, 30) == []
    assert plan(Frequency.PRN, None) == []


def test_default_days_when_course_unknown() -> None:
    assert len(plan(Frequency.QD, None, default_days=14)) == 14
    assert len(plan(Frequency.QD, 5, default_days=14)) == 5


def test_bad_default_days_and_naive_start_are_refused() -> None:
    with pytest.raises(ValueError, match="default_days"):
        plan(Frequency.QD, None, default_days=0)
    with pytest.raises(ValueError, match="timezone-aware"):
        plan(Frequency.QD, 3, start=datetime(2026, 11, 18, 10, 30))


def test_overridden_times_are_used() -> None:
    times = merged_times(parse_times_setting("qd=09:15"))
    assert plan(Frequency.QD, 2, times=times) == [
        datetime(2026, 11, 19, 1, 15, tzinfo=UTC),
        datetime(2026, 11, 20, 1, 15, tzinfo=UTC),
    ]


def test_missing_frequency_in_times_falls_back_to_defaults() -> None:
    assert plan(Frequency.BID, 1, times={}) == plan(Frequency.BID, 1)


def test_times_moved_together_are_merged() -> None:
    times = merged_times(parse_times_setting("bid=06:00+06:30"))
    quiet = QuietHours(time(0), time(7))
    assert local(plan(Frequency.BID, 3, quiet=quiet, times=times)) == [
        "11-19 07:00",
        "11-20 07:00",
        "11-21 07:00",
    ]


def test_time_moved_back_across_midnight() -> None:
    times = merged_times(parse_times_setting("qd=00:30"))
    quiet = QuietHours(time(23), time(7))
    assert local(plan(Frequency.QD, 2, quiet=quiet, times=times)) == ["11-18 22:59", "11-19 22:59"]


def test_real_entry_from_text() -> None:
    parsed = one("美托洛尔 25mg bid 2天")
    reminders = reminder_times(parsed, DISCHARGED, SHANGHAI, DEFAULT_TIMES, NIGHT, 30)
    assert local(reminders) == ["11-18 20:00", "11-19 08:00", "11-19 20:00", "11-20 08:00"]


# --- quiet hours ----------------------------------------------------------------------------


def test_quiet_hours_contains() -> None:
    assert [NIGHT.contains(time(h, m)) for h, m in [(21, 59), (22, 0), (6, 59), (7, 0)]] == [
        False,
        True,
        True,
        False,
    ]
    noon = QuietHours(time(12), time(14))
    assert [noon.contains(time(h)) for h in (11, 12, 13, 14)] == [False, True, True, False]
    assert not any(NO_QUIET_HOURS.contains(time(h)) for h in range(24))


def test_move_out_picks_the_nearer_edge_and_the_end_on_a_tie() -> None:
    noon = QuietHours(time(12), time(14, 1))
    day = datetime(2026, 11, 18)
    assert noon.move_out(day.replace(hour=12, minute=30)) == day.replace(hour=11, minute=59)
    assert noon.move_out(day.replace(hour=13, minute=30)) == day.replace(hour=14, minute=1)
    assert noon.move_out(day.replace(hour=13, minute=0)) == day.replace(hour=14, minute=1)
    assert noon.move_out(day.replace(hour=9)) == day.replace(hour=9)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("22:00-07:00", QuietHours(time(22), time(7))),
        (" 22:30 ~ 6:45 ", QuietHours(time(22, 30), time(6, 45))),
        ("２２：００－０７：００", QuietHours(time(22), time(7))),
        ("12:00-14:00", QuietHours(time(12), time(14))),
    ],
)
def test_parse_quiet_hours(text: str, expected: QuietHours) -> None:
    assert parse_quiet_hours(text) == expected


@pytest.mark.parametrize("text", ["", "22:00", "22-07", "22:00-07:00-08:00", "night"])
def test_parse_quiet_hours_errors(text: str) -> None:
    with pytest.raises(ValueError, match=r"HH:MM-HH:MM, e\.g\. 22:00-07:00"):
        parse_quiet_hours(text)


@pytest.mark.parametrize("text", ["25:00-07:00", "22:00-07:61"])
def test_parse_quiet_hours_out_of_range(text: str) -> None:
    with pytest.raises(ValueError, match="is not a time") as caught:
        parse_quiet_hours(text)
    assert repr(text) in str(caught.value)


# --- time settings --------------------------------------------------------------------------


def test_parse_times_setting() -> None:
    assert parse_times_setting("qd=08:00;bid=07:30+19:30;qn=21:30") == {
        Frequency.QD: (time(8),),
        Frequency.BID: (time(7, 30), time(19, 30)),
        Frequency.QN: (time(21, 30),),
    }


def test_parse_times_setting_is_lenient_about_form() -> None:
    assert parse_times_setting(" Q.D. = 9:05 ；BID=19:30+07:30; ") == {
        Frequency.QD: (time(9, 5),),
        Frequency.BID: (time(7, 30), time(19, 30)),
    }
    assert parse_times_setting("") == {}


@pytest.mark.parametrize(
    ("text", "bad_part", "hint"),
    [
        ("qd", "'qd'", "FREQUENCY=HH:MM"),
        ("xx=08:00", "'xx=08:00'", "FREQUENCY=HH:MM"),
        ("prn=08:00", "'prn=08:00'", "FREQUENCY=HH:MM"),
        ("qd=8", "'qd=8'", "HH:MM on a 24-hour clock"),
        ("qd=24:00", "'qd=24:00'", "HH:MM on a 24-hour clock"),
        ("qd=08:60", "'qd=08:60'", "HH:MM on a 24-hour clock"),
        ("qd=08:00;bid=08:00", "'bid=08:00'", "bid needs exactly 2"),
        ("bid=08:00+08:00", "'bid=08:00+08:00'", "bid needs exactly 2"),
        ("qd=08:00+20:00", "'qd=08:00+20:00'", "qd needs exactly 1"),
        ("qd=08:00;qd=09:00", "'qd'", "more than once"),
    ],
)
def test_parse_times_setting_errors(text: str, bad_part: str, hint: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_times_setting(text)
    assert bad_part in str(caught.value)
    assert hint in str(caught.value)


def test_merged_times_keeps_defaults_untouched() -> None:
    merged = merged_times({Frequency.QD: (time(9),)})
    assert merged[Frequency.QD] == (time(9),)
    assert merged[Frequency.BID] == (time(8), time(20))
    assert DEFAULT_TIMES[Frequency.QD] == (time(8),)
    assert set(merged) == set(Frequency)


def test_default_times() -> None:
    assert {f: [t.strftime("%H:%M") for t in DEFAULT_TIMES[f]] for f in Frequency} == {
        Frequency.QD: ["08:00"],
        Frequency.BID: ["08:00", "20:00"],
        Frequency.TID: ["08:00", "13:00", "19:00"],
        Frequency.QID: ["08:00", "12:00", "16:00", "20:00"],
        Frequency.QN: ["21:00"],
        Frequency.Q8H: ["06:00", "14:00", "22:00"],
        Frequency.Q12H: ["08:00", "20:00"],
        Frequency.QW: ["08:00"],
        Frequency.QOD: ["08:00"],
        Frequency.PRN: [],
    }
