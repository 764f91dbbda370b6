"""Reading discharge medicines (frequencies, doses, courses, drug names, splitting); adherence."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.medications.model import (
    BAD_DAYS,
    NO_DRUG,
    NO_FREQUENCY,
    Frequency,
    MedicationEntry,
    MedicationProblem,
)
from bot.domain.medications.parsing import parse_frequency, parse_medications
from bot.domain.medications.reminders import Adherence, adherence, course_end
from tests.medication_helpers import DISCHARGED, entry, one, problem

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
