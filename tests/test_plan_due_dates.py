"""Follow-up plans: offsets, and expanding a plan into its due steps."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.plans.expand import DueStep, expand_plan
from bot.domain.plans.model import (
    MAX_OCCURRENCES,
    Anchor,
    Offset,
    OffsetUnit,
    Plan,
    PlanStep,
    Repeat,
    StepKind,
    parse_duration,
    parse_offset,
)
from tests.plan_files import BOOK, SHANGHAI, shanghai, utc

BERLIN = ZoneInfo("Europe/Berlin")


# ---------------------------------------------------------------- offsets


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3d", Offset(3, OffsetUnit.DAYS)),
        ("7d", Offset(7, OffsetUnit.DAYS)),
        ("2w", Offset(2, OffsetUnit.WEEKS)),
        ("3mo", Offset(3, OffsetUnit.MONTHS)),
        ("-1d", Offset(-1, OffsetUnit.DAYS)),
        ("12h", Offset(12, OffsetUnit.HOURS)),
        ("0d", Offset(0, OffsetUnit.DAYS)),
        ("+2d", Offset(2, OffsetUnit.DAYS)),
        (" 3MO ", Offset(3, OffsetUnit.MONTHS)),
        ("３ｄ", Offset(3, OffsetUnit.DAYS)),  # full-width, as typed with a Chinese IME
    ],
)
def test_parse_offset(text: str, expected: Offset) -> None:
    assert parse_offset(text) == expected


def test_offset_text_round_trips() -> None:
    assert [str(parse_offset(t)) for t in ("3d", "-1d", "3mo", "12h", "2w")] == [
        "3d",
        "-1d",
        "3mo",
        "12h",
        "2w",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("3x", '"3x" is not an offset; use forms like 3d, 2w, 3mo, -1d'),
        ("", '"" is not an offset; use forms like 3d, 2w, 3mo, -1d'),
        ("d", '"d" is not an offset; use forms like 3d, 2w, 3mo, -1d'),
        ("1.5d", '"1.5d" is not an offset; use forms like 3d, 2w, 3mo, -1d'),
        ("99999d", '"99999d" is not an offset; use forms like 3d, 2w, 3mo, -1d'),
        ("3 d", '"3 d" is not an offset; use forms like 3d, 2w, 3mo, -1d'),
        ("1m", '"1m" is not an offset; use forms like 3d, 2w, 3mo, -1d (write months as mo)'),
    ],
)
def test_parse_offset_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_offset(text)
    assert str(caught.value) == message


def test_parse_duration() -> None:
    assert parse_duration("24h") == timedelta(hours=24)
    assert parse_duration("2d") == timedelta(days=2)
    assert parse_duration("1w") == timedelta(days=7)
    for bad in ("0h", "-1d", "1mo", "soon"):
        with pytest.raises(ValueError, match="is not a duration; use forms like 12h, 24h"):
            parse_duration(bad)


@pytest.mark.parametrize(
    ("start", "offset", "expected"),
    [
        (shanghai(2026, 1, 31, 10, 30), "1mo", shanghai(2026, 2, 28, 10, 30)),
        (shanghai(2024, 1, 31, 10, 30), "1mo", shanghai(2024, 2, 29, 10, 30)),
        (shanghai(2026, 3, 31, 10, 30), "-1mo", shanghai(2026, 2, 28, 10, 30)),
        (shanghai(2026, 11, 30, 8, 0), "3mo", shanghai(2027, 2, 28, 8, 0)),
        (shanghai(2026, 11, 18, 10, 30), "12mo", shanghai(2027, 11, 18, 10, 30)),
        (shanghai(2026, 11, 18, 10, 30), "3d", shanghai(2026, 11, 21, 10, 30)),
        (shanghai(2026, 11, 18, 10, 30), "2w", shanghai(2026, 12, 2, 10, 30)),
        (shanghai(2026, 11, 18, 10, 30), "-1d", shanghai(2026, 11, 17, 10, 30)),
        (shanghai(2026, 11, 18, 10, 30), "0d", shanghai(2026, 11, 18, 10, 30)),
        (shanghai(2026, 11, 18, 20, 0), "12h", shanghai(2026, 11, 19, 8, 0)),
        # Local midnight in Shanghai is 16:00 UTC the day before: days count locally.
        (utc(2026, 11, 30, 17, 0), "1d", utc(2026, 12, 1, 17, 0)),
        (utc(2026, 1, 30, 16, 30), "1mo", utc(2026, 2, 27, 16, 30)),  # local Jan 31 00:30
    ],
)
def test_offset_apply_in_shanghai(start: datetime, offset: str, expected: datetime) -> None:
    result = parse_offset(offset).apply(start, SHANGHAI)
    assert result == expected
    assert result.utcoffset() == timedelta(0)


def test_offset_apply_across_dst_keeps_wall_time_for_days_not_hours() -> None:
    evening = datetime(2026, 3, 28, 20, 0, tzinfo=BERLIN)  # CET, the night before the jump
    assert parse_offset("1d").apply(evening, BERLIN) == utc(2026, 3, 29, 18, 0)  # 20:00 CEST
    assert parse_offset("12h").apply(evening, BERLIN) == utc(2026, 3, 29, 7, 0)  # 09:00 CEST
    assert parse_offset("1w").apply(evening, BERLIN) == utc(2026, 4, 4, 18, 0)
    with pytest.raises(ValueError, match="timezone-aware"):
        parse_offset("1d").apply(datetime(2026, 3, 28, 20), BERLIN)


# ---------------------------------------------------------------- expansion


def due_list(steps: list[DueStep]) -> list[tuple[str, int, datetime]]:
    return [(d.step_key, d.occurrence, d.due_at) for d in steps]


def test_chronic_plan_exact_due_dates() -> None:
    discharged = shanghai(2026, 11, 18, 10, 30)  # 02:30 UTC
    due = expand_plan(BOOK.plans["chronic"], discharged, date(2026, 12, 2), None, SHANGHAI)
    assert due_list(due)[:15] == [
        ("day3_medication", 0, utc(2026, 11, 21, 2, 30)),
        ("day10_diet", 0, utc(2026, 11, 28, 2, 30)),
        ("reexam_3d", 0, utc(2026, 11, 29, 1, 0)),  # 09:00 local, 3 days before 12-02
        ("reexam_1d", 0, utc(2026, 12, 1, 1, 0)),
        ("week2", 0, utc(2026, 12, 2, 2, 30)),
        ("week4", 0, utc(2026, 12, 16, 2, 30)),
        ("week6_activity", 0, utc(2026, 12, 30, 2, 30)),
        ("self_monitoring", 0, utc(2027, 1, 18, 2, 30)),
        ("quarterly", 0, utc(2027, 2, 18, 2, 30)),
        ("self_monitoring", 1, utc(2027, 4, 18, 2, 30)),
        ("quarterly", 1, utc(2027, 5, 18, 2, 30)),
        ("self_monitoring", 2, utc(2027, 7, 18, 2, 30)),
        ("quarterly", 2, utc(2027, 8, 18, 2, 30)),
        ("self_monitoring", 3, utc(2027, 10, 18, 2, 30)),
        ("quarterly", 3, utc(2027, 11, 18, 2, 30)),
    ]
    quarterly = [d for d in due if d.step_key == "quarterly"]
    assert len(quarterly) == len(due) - 11 == MAX_OCCURRENCES  # until: enrolled
    assert quarterly[-1].due_at == utc(2051, 11, 18, 2, 30)  # every 3 months for 25 years
    assert {(d.kind, d.survey, d.answer_timeout) for d in quarterly} == {
        (StepKind.CHECKIN, "checkin_short", timedelta(days=2))
    }
    assert due[4] == DueStep(
        "week2",
        0,
        StepKind.CHECKIN,
        "plans/chronic/week2_checkin",
        "checkin_first",
        utc(2026, 12, 2, 2, 30),
        timedelta(hours=24),
    )


def test_monthly_repeats_do_not_drift_at_month_end() -> None:
    discharged = shanghai(2026, 1, 31, 9, 0)
    due = expand_plan(BOOK.plans["chronic"], discharged, None, None, SHANGHAI)
    assert [d.due_at for d in due if d.step_key == "quarterly"][:4] == [
        shanghai(2026, 4, 30, 9, 0),
        shanghai(2026, 7, 31, 9, 0),
        shanghai(2026, 10, 31, 9, 0),
        shanghai(2027, 1, 31, 9, 0),
    ]


def test_general_plan_without_revisit_skips_reminders() -> None:
    discharged = shanghai(2026, 11, 18, 10, 30)
    due = expand_plan(BOOK.plans["general"], discharged, None, None, SHANGHAI)
    assert due_list(due) == [
        ("day1_home_care", 0, utc(2026, 11, 19, 2, 30)),
        ("day3", 0, utc(2026, 11, 21, 2, 30)),
        ("day7", 0, utc(2026, 11, 25, 2, 30)),
        ("day14_healthy_living", 0, utc(2026, 12, 2, 2, 30)),
        ("day30", 0, utc(2026, 12, 18, 2, 30)),
        ("month6", 0, utc(2027, 5, 18, 2, 30)),
    ]


def test_gynaecology_after_medication_uses_the_medication_end() -> None:
    discharged = shanghai(2026, 11, 19, 10, 0)
    medication_end = discharged + timedelta(days=14)
    due = expand_plan(
        BOOK.plans["gynaecology"], discharged, date(2026, 11, 26), medication_end, SHANGHAI
    )
    assert due_list(due) == [
        ("day1_medication", 0, utc(2026, 11, 20, 2, 0)),
        ("day2_self_care", 0, utc(2026, 11, 21, 2, 0)),
        ("day3", 0, utc(2026, 11, 22, 2, 0)),
        ("reexam_3d", 0, utc(2026, 11, 23, 1, 0)),
        ("reexam_1d", 0, utc(2026, 11, 25, 1, 0)),
        ("day7", 0, utc(2026, 11, 26, 2, 0)),
        ("after_medication", 0, utc(2026, 12, 6, 2, 0)),
    ]
    without = expand_plan(BOOK.plans["gynaecology"], discharged, None, None, SHANGHAI)
    assert [d.step_key for d in without] == ["day1_medication", "day2_self_care", "day3", "day7"]


def test_pneumoconiosis_plan_seven_days_three_and_six_months() -> None:
    discharged = shanghai(2026, 11, 18, 10, 30)
    due = expand_plan(BOOK.plans["pneumoconiosis"], discharged, None, None, SHANGHAI)
    checkins = [(d.step_key, d.due_at) for d in due if d.kind is StepKind.CHECKIN]
    assert checkins == [
        ("day7", utc(2026, 11, 25, 2, 30)),
        ("month3", utc(2027, 2, 18, 2, 30)),
        ("month6", utc(2027, 5, 18, 2, 30)),
    ]


def message_step(key: str, offset: str, *, enabled: bool = True) -> PlanStep:
    return PlanStep(
        key, StepKind.MESSAGE, Anchor.DISCHARGE, parse_offset(offset), f"x/{key}", enabled=enabled
    )


def test_disabled_steps_and_ties_keep_plan_order() -> None:
    steps = (
        message_step("a", "1d"),
        message_step("b", "24h"),
        message_step("c", "0d", enabled=False),
    )
    plan = Plan("p", {"zh_CN": "甲", "en": "A"}, (), steps)
    due = expand_plan(plan, utc(2026, 11, 18, 2, 0), None, None, SHANGHAI)
    assert due_list(due) == [("a", 0, utc(2026, 11, 19, 2, 0)), ("b", 0, utc(2026, 11, 19, 2, 0))]
    with pytest.raises(ValueError, match="discharged_at must be timezone-aware"):
        expand_plan(plan, datetime(2026, 11, 18, 10), None, None, SHANGHAI)


def test_hourly_repeat_within_a_day() -> None:
    step = PlanStep(
        "pills",
        StepKind.MEDICATION,
        Anchor.DISCHARGE,
        Offset(12, OffsetUnit.HOURS),
        "x/p",
        repeat=Repeat(Offset(12, OffsetUnit.HOURS), Offset(2, OffsetUnit.DAYS)),
    )
    plan = Plan("p", {"zh_CN": "甲", "en": "A"}, (), (step,))
    due = expand_plan(plan, utc(2026, 11, 18, 0, 0), None, None, SHANGHAI)
    assert [(d.occurrence, d.due_at) for d in due] == [
        (0, utc(2026, 11, 18, 12, 0)),
        (1, utc(2026, 11, 19, 0, 0)),
        (2, utc(2026, 11, 19, 12, 0)),
        (3, utc(2026, 11, 20, 0, 0)),
    ]
