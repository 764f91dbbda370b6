"""Regimens beyond one dose a day: every other day, long-term, and those kept as text only."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.medications.model import DEFAULT_TIMES, IRREGULAR, Frequency
from bot.domain.medications.parsing import parse_medications
from bot.domain.medications.reminders import reminder_times
from bot.domain.medications.times import NO_QUIET_HOURS
from bot.domain.plans.edits import replace_step
from bot.domain.plans.loader import load_plan_book
from bot.domain.plans.model import StepKind
from bot.domain.visits import DateProblem, read_visit_date
from bot.services.planning import templates_exist
from bot.templating import MESSAGES_DIR, Renderer

SHANGHAI = ZoneInfo("Asia/Shanghai")
DISCHARGED = datetime(2026, 11, 18, 10, 30, tzinfo=SHANGHAI)
TODAY = date(2026, 12, 6)  # a Sunday


@pytest.mark.parametrize(
    "form",
    [
        "隔日一次",
        "隔天一次",
        "每隔一日一次",
        "每2天一次",
        "qod",
        "q.o.d.",
        "q2d",
        "every other day",
    ],
)
def test_every_other_day_forms(form: str) -> None:
    [entry], problems = parse_medications(f"华法林 3mg {form}")
    assert problems == [] and entry.frequency is Frequency.QOD


def test_every_other_day_reminds_every_second_day() -> None:
    [entry], _ = parse_medications("华法林 3mg 隔日一次 10天")
    moments = reminder_times(entry, DISCHARGED, SHANGHAI, DEFAULT_TIMES, NO_QUIET_HOURS, 14)
    days = [m.astimezone(SHANGHAI).date() for m in moments]
    assert days == [date(2026, 11, 20) + timedelta(days=2 * k) for k in range(5)]


@pytest.mark.parametrize(
    "text",
    [
        "阿司匹林 100mg qd 长期",
        "长期口服阿司匹林 100mg qd",
        "阿司匹林 100mg qd，长期服用",
        "左甲状腺素 50ug qd 终身服用",
        "美托洛尔 25mg bid 维持治疗",
    ],
)
def test_long_term_marks(text: str) -> None:
    [entry], problems = parse_medications(text)
    assert problems == [] and entry.long_term and entry.days is None
    assert entry.drug in ("阿司匹林", "左甲状腺素", "美托洛尔")


@pytest.mark.parametrize(
    "text",
    [
        "泼尼松 30mg qd 每周减5mg",
        "泼尼松 30mg 每日一次，每周减5mg",
        "泼尼松 30mg qd 逐渐减量",
        "甲氨蝶呤 10mg 服6天停1天",
        "铁剂 1片 每周一、三、五",
        "铁剂 1片 每周一三五",
        "阿仑膦酸钠 70mg 每周两次",
        "x 1片 q3d",
        "prednisone 30mg qd taper",
    ],
)
def test_irregular_regimens_are_problems_naming_the_whole_entry(text: str) -> None:
    entries, [problem] = parse_medications(text)
    assert entries == [] and problem.code == IRREGULAR and problem.text == text


def test_an_irregular_entry_leaves_the_others_readable() -> None:
    entries, [problem] = parse_medications("泼尼松 30mg qd，每周减5mg；美托洛尔 25mg bid")
    assert [e.drug for e in entries] == ["美托洛尔"]
    assert problem.text == "泼尼松 30mg qd，每周减5mg"


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("2026-12-20", date(2026, 12, 20)),
        ("2026/12/20", date(2026, 12, 20)),
        ("2026年12月20日", date(2026, 12, 20)),
        ("12月20日", date(2026, 12, 20)),
        ("12月20号", date(2026, 12, 20)),
        ("12/20", date(2026, 12, 20)),
        ("１２月２０日", date(2026, 12, 20)),
        ("1月5日", date(2027, 1, 5)),  # has passed this year: next year's
        ("明天", date(2026, 12, 7)),
        ("下周一", date(2026, 12, 7)),
        ("下周三", date(2026, 12, 9)),
        ("周三", date(2026, 12, 9)),
        ("下下周二", date(2026, 12, 15)),
    ],
)
def test_typed_visit_dates(typed: str, day: date) -> None:
    assert read_visit_date(typed, TODAY).day == day


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("2026-11-01", DateProblem.PAST),
        ("今天", DateProblem.PAST),
        ("2026-02-30", DateProblem.UNREADABLE),
        ("过几天吧", DateProblem.UNREADABLE),
        ("", DateProblem.UNREADABLE),
    ],
)
def test_past_or_unreadable_visit_dates(typed: str, problem: DateProblem) -> None:
    assert read_visit_date(typed, TODAY).problem is problem


def test_no_shipped_plan_step_is_a_medicine_reminder() -> None:
    renderer = Renderer()
    book = load_plan_book(MESSAGES_DIR / "plans", templates_exist(renderer))
    kinds = {step.kind for plan in book.plans.values() for step in plan.steps}
    assert StepKind.MEDICATION not in kinds and StepKind.MEDICATION_TIP in kinds


def test_an_older_plan_edit_naming_kind_medication_makes_a_tip() -> None:
    renderer = Renderer()
    book = load_plan_book(MESSAGES_DIR / "plans", templates_exist(renderer))
    edited = replace_step(book.plans["chronic"], "day10_diet", kind="medication")
    step = edited.step("day10_diet")
    assert step is not None and step.kind is StepKind.MEDICATION_TIP
