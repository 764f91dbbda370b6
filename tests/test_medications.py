"""Reading 出院带药 text, planning medication reminders, adherence, and their messages."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from bot.domain.medications.model import (
    BAD_DAYS,
    DEFAULT_TIMES,
    NO_DRUG,
    NO_FREQUENCY,
    PROBLEM_CODES,
    SNOOZE_MINUTES,
    WARNING_TEMPLATE,
    Frequency,
    MedicationEntry,
    MedicationProblem,
)
from bot.domain.medications.parsing import parse_frequency, parse_medications
from bot.domain.medications.reminders import Adherence, adherence, course_end, reminder_times
from bot.domain.medications.times import (
    NO_QUIET_HOURS,
    QuietHours,
    merged_times,
    parse_quiet_hours,
    parse_times_setting,
)
from bot.templating import LOCALES, MESSAGES_DIR, Renderer

SHANGHAI = ZoneInfo("Asia/Shanghai")
NIGHT = QuietHours(time(22), time(7))
DISCHARGED = datetime(2026, 11, 18, 10, 30, tzinfo=SHANGHAI)  # a Wednesday
EARLY_DISCHARGE = datetime(2026, 11, 18, 7, 0, tzinfo=SHANGHAI)


def one(text: str) -> MedicationEntry:
    """Parse text that must hold exactly one readable entry."""
    entries, problems = parse_medications(text)
    assert problems == []
    assert len(entries) == 1
    return entries[0]


def problem(text: str) -> str:
    """Parse text that must hold exactly one unreadable entry; return its code."""
    entries, problems = parse_medications(text)
    assert entries == []
    assert len(problems) == 1
    assert problems[0].text == text.strip()
    return problems[0].code


def entry(frequency: Frequency, days: int | None = None) -> MedicationEntry:
    """Build an entry directly, bypassing the parser."""
    return MedicationEntry("药 " + frequency.value, "药", None, frequency, days)


def local(moments: list[datetime]) -> list[str]:
    """Show UTC moments as Shanghai wall-clock strings."""
    return [m.astimezone(SHANGHAI).strftime("%m-%d %H:%M") for m in moments]


def plan(
    frequency: Frequency,
    days: int | None,
    start: datetime = DISCHARGED,
    quiet: QuietHours = NO_QUIET_HOURS,
    times: dict[Frequency, tuple[time, ...]] = DEFAULT_TIMES,
    default_days: int = 30,
) -> list[datetime]:
    """Return the reminders of a made-up entry."""
    return reminder_times(entry(frequency, days), start, SHANGHAI, times, quiet, default_days)


# --- frequencies -----------------------------------------------------------------------------

FREQUENCY_FORMS = [
    ("qd", Frequency.QD),
    ("QD", Frequency.QD),
    ("q.d.", Frequency.QD),
    ("Q.D.", Frequency.QD),
    ("bid", Frequency.BID),
    ("BID", Frequency.BID),
    ("Bid", Frequency.BID),
    ("b.i.d.", Frequency.BID),
    ("tid", Frequency.TID),
    ("Tid", Frequency.TID),
    ("t.i.d.", Frequency.TID),
    ("qid", Frequency.QID),
    ("QID", Frequency.QID),
    ("q.i.d.", Frequency.QID),
    ("qn", Frequency.QN),
    ("q.n.", Frequency.QN),
    ("QN", Frequency.QN),
    ("q8h", Frequency.Q8H),
    ("Q8H", Frequency.Q8H),
    ("q.8h.", Frequency.Q8H),
    ("q12h", Frequency.Q12H),
    ("Q12H", Frequency.Q12H),
    ("qw", Frequency.QW),
    ("q.w.", Frequency.QW),
    ("QW", Frequency.QW),
    ("prn", Frequency.PRN),
    ("PRN", Frequency.PRN),
    ("p.r.n.", Frequency.PRN),
    ("每日一次", Frequency.QD),
    ("每天一次", Frequency.QD),
    ("一日一次", Frequency.QD),
    ("1日1次", Frequency.QD),
    ("每日1次", Frequency.QD),
    ("每日两次", Frequency.BID),
    ("每日二次", Frequency.BID),
    ("一日两次", Frequency.BID),
    ("每天2次", Frequency.BID),
    ("每日三次", Frequency.TID),
    ("一日三次", Frequency.TID),
    ("每日四次", Frequency.QID),
    ("每晚一次", Frequency.QN),
    ("睡前", Frequency.QN),
    ("每晚", Frequency.QN),
    ("每8小时", Frequency.Q8H),
    ("每8小时一次", Frequency.Q8H),
    ("每12小时", Frequency.Q12H),
    ("每周一次", Frequency.QW),
    ("每周1次", Frequency.QW),
    ("必要时", Frequency.PRN),
    ("按需", Frequency.PRN),
    ("需要时", Frequency.PRN),
    ("ＢＩＤ", Frequency.BID),
    ("ｑ８ｈ", Frequency.Q8H),
    ("１日１次", Frequency.QD),
]


@pytest.mark.parametrize(("form", "expected"), FREQUENCY_FORMS)
def test_every_frequency_form(form: str, expected: Frequency) -> None:
    parsed = one(f"阿司匹林 100mg {form}")
    assert (parsed.drug, parsed.dose, parsed.frequency) == ("阿司匹林", "100mg", expected)


@pytest.mark.parametrize(("form", "expected"), FREQUENCY_FORMS)
def test_frequency_without_spaces(form: str, expected: Frequency) -> None:
    assert one(f"阿司匹林{form}").frequency == expected


@pytest.mark.parametrize(
    "text",
    [
        "阿莫西林 0.5g 每6小时",
        "地西泮 2.5mg 每晚两次",
        "二甲双胍 遵医嘱",
        "美托洛尔 25mg 每日两次 qd",
    ],
)
def test_unsupported_or_conflicting_frequency_is_a_problem(text: str) -> None:
    assert problem(text) == NO_FREQUENCY


def test_parse_frequency() -> None:
    assert parse_frequency("每日两次") == Frequency.BID
    assert parse_frequency("睡前 每晚") == Frequency.QN
    assert parse_frequency("qd bid") is None
    assert parse_frequency("阿司匹林") is None


# --- doses, course lengths, drug names -------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "dose"),
    [
        ("100mg", "100mg"),
        ("0.5g", "0.5g"),
        ("1片", "1片"),
        ("10ml", "10ml"),
        ("2粒", "2粒"),
        ("5u", "5u"),
        ("5IU", "5IU"),
        ("0.25 mg", "0.25mg"),
        ("1-2片", "1-2片"),
        ("半片", "半片"),
        ("100μg", "100μg"),
        ("１００ｍｇ", "100mg"),
    ],
)
def test_doses(written: str, dose: str) -> None:
    assert one(f"阿司匹林 {written} qd").dose == dose


def test_two_doses_are_kept_together_and_no_dose_is_none() -> None:
    assert one("阿司匹林肠溶片 100mg 1片 qd").dose == "100mg 1片"
    assert one("阿司匹林 qd").dose is None


@pytest.mark.parametrize(
    ("written", "days"),
    [
        ("30天", 30),
        ("30日", 30),
        ("30d", 30),
        ("30D", 30),
        ("2周", 14),
        ("1个月", 30),
        ("x7d", 7),
        ("×7d", 7),
        ("*7d", 7),
        ("共7天", 7),
        ("3 weeks", 21),
        ("两周", 14),
        ("一个月", 30),
        ("十天", 10),
        ("二十一天", 21),
        ("３０天", 30),
        ("365天", 365),
    ],
)
def test_course_lengths(written: str, days: int) -> None:
    parsed = one(f"阿司匹林 100mg qd {written}")
    assert (parsed.drug, parsed.frequency, parsed.days) == ("阿司匹林", Frequency.QD, days)


def test_no_course_length_is_none() -> None:
    assert one("阿司匹林 100mg qd").days is None


def test_same_course_written_twice_is_accepted() -> None:
    assert one("阿司匹林 qd 2周 14天").days == 14


@pytest.mark.parametrize(
    "written", ["0天", "366天", "400天", "半个月", "几天", "2周 10天", "一个疗程", "3月"]
)
def test_bad_course_lengths(written: str) -> None:
    assert problem(f"阿司匹林 100mg qd {written}") == BAD_DAYS


@pytest.mark.parametrize(
    ("text", "drug"),
    [
        ("三七片 3片 tid 2周", "三七片"),
        ("十滴水 5ml prn", "十滴水"),
        ("维生素D3 1000IU qd", "维生素D3"),
        ("天麻钩藤颗粒 1袋 tid", "天麻钩藤颗粒"),
        ("Metoprolol tartrate 25 mg B.I.D. 30d", "Metoprolol tartrate"),
        ("口服阿司匹林 每次100mg 每日1次", "阿司匹林"),
        ("qd 阿司匹林 100mg", "阿司匹林"),
        ("1. 阿司匹林 100mg qd", "阿司匹林"),
    ],
)
def test_drug_names(text: str, drug: str) -> None:
    assert one(text).drug == drug


@pytest.mark.parametrize("text", ["100mg qd", "bid 30天", "1片 每日三次"])
def test_missing_drug_is_a_problem(text: str) -> None:
    assert problem(text) == NO_DRUG


def test_missing_drug_wins_over_missing_frequency() -> None:
    assert problem("100mg 30天") == NO_DRUG


def test_full_entry_keeps_the_original_text() -> None:
    text = "阿司匹林肠溶片１００ｍｇ　ＱＤ　３０天"
    assert one(text) == MedicationEntry(text, "阿司匹林肠溶片", "100mg", Frequency.QD, 30)


# --- splitting ------------------------------------------------------------------------------


@pytest.mark.parametrize("separator", [";", "；", "，", ",", "、", "\n", "\r\n", " ；\n "])
def test_separators(separator: str) -> None:
    entries, problems = parse_medications(f"阿司匹林 100mg qd 30天{separator}美托洛尔 25mg bid")
    assert problems == []
    assert entries == [
        MedicationEntry("阿司匹林 100mg qd 30天", "阿司匹林", "100mg", Frequency.QD, 30),
        MedicationEntry("美托洛尔 25mg bid", "美托洛尔", "25mg", Frequency.BID, None),
    ]


def test_brief_examples() -> None:
    entries, problems = parse_medications("二甲双胍 0.5g 每日两次 14天；胰岛素 按需")
    assert problems == []
    assert entries == [
        MedicationEntry("二甲双胍 0.5g 每日两次 14天", "二甲双胍", "0.5g", Frequency.BID, 14),
        MedicationEntry("胰岛素 按需", "胰岛素", None, Frequency.PRN, None),
    ]


def test_bad_entries_become_problems_and_good_ones_still_parse() -> None:
    text = (
        "阿司匹林 100mg qd 30天；二甲双胍 遵医嘱；100mg bid；"
        "美托洛尔 25mg bid 半个月；氯吡格雷 75mg 每日一次"
    )
    entries, problems = parse_medications(text)
    assert [(e.drug, e.frequency, e.days) for e in entries] == [
        ("阿司匹林", Frequency.QD, 30),
        ("氯吡格雷", Frequency.QD, None),
    ]
    assert problems == [
        MedicationProblem("二甲双胍 遵医嘱", NO_FREQUENCY),
        MedicationProblem("100mg bid", NO_DRUG),
        MedicationProblem("美托洛尔 25mg bid 半个月", BAD_DAYS),
    ]


def test_list_numbers_are_not_entries() -> None:
    entries, problems = parse_medications("1、阿司匹林 100mg qd；2、美托洛尔 25mg bid")
    assert problems == []
    assert [e.drug for e in entries] == ["阿司匹林", "美托洛尔"]


@pytest.mark.parametrize("text", [None, "", "   ", "；\n、 ,"])
def test_empty_text(text: str | None) -> None:
    assert parse_medications(text) == ([], [])


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


# --- course end and adherence ---------------------------------------------------------------


def test_course_end() -> None:
    entries = [entry(Frequency.QD, 30), entry(Frequency.BID, None), entry(Frequency.QN, 14)]
    assert course_end(entries, DISCHARGED, 7) == DISCHARGED + timedelta(days=30)
    assert course_end(entries, DISCHARGED, 40) == DISCHARGED + timedelta(days=40)
    assert course_end([], DISCHARGED, 7) is None


def test_adherence_counts() -> None:
    result = adherence(["taken", "taken", "skipped", "snoozed", None])
    assert result == Adherence(taken=2, skipped=1, unanswered=2)
    assert result.due == 5
    assert result.rate == pytest.approx(0.4)


def test_adherence_edges() -> None:
    assert adherence([]) == Adherence(0, 0, 0)
    assert adherence([]).rate is None
    assert adherence(["taken"] * 3).rate == 1.0
    assert adherence(["snoozed"]) == Adherence(0, 0, 1)
    assert adherence(["snoozed"]).rate == 0.0
    assert adherence(iter(["skipped", None])).rate == 0.0


def test_adherence_refuses_unknown_answers() -> None:
    with pytest.raises(ValueError, match="'later'"):
        adherence(["taken", "later"])


# --- messages -------------------------------------------------------------------------------

renderer = Renderer()
MEDICATION_KEYS = {
    "medication/reminder",
    "medication/taken",
    "medication/snoozed",
    "medication/skipped",
    WARNING_TEMPLATE,
    "buttons/med_taken",
    "buttons/med_snooze",
    "buttons/med_skip",
    "buttons/med_still_taking",
    "buttons/med_stopped",
    "medication/still_taking",
    "medication/still_taking_noted",
    "medication/stopped_noted",
    "medication/stop_usage",
    "medication/stop_list",
    "medication/stop_no_such",
    "medication/stop_done",
    "medication/stop_already",
    "staff/medicine_stopped",
}


def test_samples_cover_the_medication_templates() -> None:
    path = MESSAGES_DIR / "samples" / "medication.yaml"
    samples: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert set(samples) == MEDICATION_KEYS
    for locale in LOCALES:
        assert set(renderer.keys(locale)) >= MEDICATION_KEYS


def test_reminder_text() -> None:
    zh = renderer.render(
        "medication/reminder", "zh_CN", drug="阿司匹林肠溶片", dose="100mg", time="08:00"
    )
    assert zh == (
        "您好，现在是 08:00，请按医嘱服用 <b>阿司匹林肠溶片 100mg</b>。\n"
        "服用后请点击下方按钮告诉我们。"
    )
    en = renderer.render("medication/reminder", "en", drug="Aspirin", dose="", time="20:00")
    assert en.startswith("Hello, it is 20:00. Please take <b>Aspirin</b> as prescribed.")


def test_reminder_escapes_the_drug_name() -> None:
    text = renderer.render("medication/reminder", "en", drug="<i>A&B</i>", dose="1片", time="08:00")
    assert "<b>&lt;i&gt;A&amp;B&lt;/i&gt; 1片</b>" in text


def test_answers_and_buttons() -> None:
    assert f"{SNOOZE_MINUTES} 分钟后" in renderer.render(
        "medication/snoozed", "zh_CN", minutes=SNOOZE_MINUTES
    )
    assert "in 30 minutes" in renderer.render("medication/snoozed", "en", minutes=30)
    assert "咨询您的医生" in renderer.render("medication/skipped", "zh_CN")
    assert "ask your doctor" in renderer.render("medication/skipped", "en")
    labels = {
        locale: [renderer.render(f"buttons/med_{b}", locale) for b in ("taken", "snooze", "skip")]
        for locale in LOCALES
    }
    assert labels == {
        "zh_CN": ["已服用", f"{SNOOZE_MINUTES}分钟后提醒", "跳过"],
        "en": ["Taken", f"Remind me in {SNOOZE_MINUTES} min", "Skip"],
    }


@pytest.mark.parametrize("locale", LOCALES)
def test_import_warning_explains_every_code(locale: str) -> None:
    fallback = renderer.render(WARNING_TEMPLATE, locale, line=7, text="x <y>", code="other")
    texts = {
        code: renderer.render(WARNING_TEMPLATE, locale, line=7, text="x <y>", code=code)
        for code in PROBLEM_CODES
    }
    assert len(set(texts.values())) == len(PROBLEM_CODES)
    for text in texts.values():
        assert text != fallback
        assert "7" in text
        assert "x <y>" in text


def test_import_warning_wording() -> None:
    text = renderer.render(
        WARNING_TEMPLATE, "zh_CN", line=7, text="二甲双胍 遵医嘱", code=NO_FREQUENCY
    )
    assert text.startswith("第 7 行：出院带药「二甲双胍 遵医嘱」无法识别用法")
    assert text.endswith("这一项不会发送用药提醒，原文已保存。")
    english = renderer.render(WARNING_TEMPLATE, "en", line=9, text="100mg qd", code=NO_DRUG)
    assert english.startswith('Line 9: discharge medication "100mg qd": no drug name was found.')


def test_problem_is_frozen() -> None:
    item = MedicationProblem("x", BAD_DAYS)
    assert replace(item, code=NO_DRUG) == MedicationProblem("x", NO_DRUG)
    with pytest.raises(AttributeError):
        item.code = NO_DRUG  # type: ignore[misc]
