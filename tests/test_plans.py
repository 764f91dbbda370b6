"""Follow-up plans: offsets, expansion, plan choice, YAML validation, the shipped plans."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from bot.domain.plans.edits import replace_step
from bot.domain.plans.errors import PlanError
from bot.domain.plans.expand import DueStep, expand_plan
from bot.domain.plans.loader import load_plan_book
from bot.domain.plans.model import (
    MAX_OCCURRENCES,
    Anchor,
    Offset,
    OffsetUnit,
    Plan,
    PlanBook,
    PlanRule,
    PlanStep,
    Repeat,
    StepKind,
    parse_duration,
    parse_offset,
)
from bot.templating import LOCALES, MESSAGES_DIR, Renderer

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
PLANS_DIR = MESSAGES_DIR / "plans"
ALLOWED_TAGS = {"b", "i", "u", "s", "a", "code", "pre", "blockquote"}
TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)")

renderer = Renderer()


def template_exists(key: str) -> bool:
    """Say whether a template key exists in every locale."""
    try:
        for locale in LOCALES:
            renderer.template_name(key, locale)
    except KeyError:
        return False
    return True


BOOK = load_plan_book(PLANS_DIR, template_exists)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def shanghai(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """Return a Shanghai wall-clock time as an aware UTC datetime."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


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


# ---------------------------------------------------------------- choosing a plan


@pytest.mark.parametrize(
    ("column", "department", "diagnosis", "plan"),
    [
        ("chronic", "眼科", None, "chronic"),
        ("  CHRONIC ", "眼科", None, "chronic"),
        ("慢病随访", "眼科", None, "chronic"),
        ("Chronic Disease Follow-up", "眼科", None, "chronic"),
        ("心内科标准随访", "普外科", None, "chronic"),
        ("普外科术后随访", "心内科", None, "post_surgery"),
        ("妇科药物随访", "心内科", None, "gynaecology"),
        ("妇科术后随访", "妇科", "子宫肌瘤 腹腔镜下肌瘤剔除术后", "gynaecology"),
        ("尘肺随访", "呼吸内科", None, "pneumoconiosis"),
        ("不存在的计划", "妇科", None, "gynaecology"),
        (None, "妇产科", "慢性盆腔炎", "gyn_pelvic_inflammatory"),
        (None, "妇产科", "阴道炎", "gynaecology"),
        ("", "职业病科", None, "pneumoconiosis"),
        (None, "呼吸内科", "矽肺(尘肺)二期", "pneumoconiosis"),
        (None, "骨科", "股骨颈骨折", "post_surgery"),
        (None, "心内科", "急性心肌梗死 PCI术后", "chronic"),
        (None, "眼科", "白内障术后", "post_surgery"),
        (None, "眼科", "2型糖尿病视网膜病变", "chronic"),
        (None, "呼吸内科", "慢性阻塞性肺疾病", "chronic"),
        (None, "眼科", "白内障", "general"),
        (None, "眼科", None, "general"),
        (None, " 心内科 ", None, "chronic"),
    ],
)
def test_choose(column: str | None, department: str, diagnosis: str | None, plan: str) -> None:
    assert BOOK.choose(column, department, diagnosis).key == plan


def test_unknown_plan_name() -> None:
    assert BOOK.unknown_plan_name("不存在的计划")
    assert not BOOK.unknown_plan_name("心内科标准随访")
    assert not BOOK.unknown_plan_name(" general ")
    assert not BOOK.unknown_plan_name(None)
    assert not BOOK.unknown_plan_name("   ")


def test_rule_matching() -> None:
    rule = PlanRule("chronic", ("心内科",), ("高血压", "糖尿病"))
    assert rule.matches("心内科", "原发性高血压")
    assert not rule.matches("心内科", "心房颤动")
    assert not rule.matches("心内科", None)
    assert not rule.matches("肾内科", "高血压")
    assert PlanRule("chronic", (), ("高血压",)).matches("任何科室", "高血压病3级")
    assert PlanRule("chronic", ("心内科",), ()).matches("心内科", None)


def test_book_choose_falls_back_to_default() -> None:
    plan = BOOK.plans["general"]
    book = PlanBook({"general": plan}, (), "general")
    assert book.choose("chronic", "心内科", "高血压") is plan
    assert book.unknown_plan_name("chronic")


# ---------------------------------------------------------------- the shipped plans


def test_shipped_plans_load() -> None:
    assert sorted(BOOK.plans) == [
        "chronic",
        "general",
        "general_remote",
        "gyn_condyloma",
        "gyn_early_pregnancy",
        "gyn_ectopic_no_surgery",
        "gyn_ectopic_surgery",
        "gyn_nongonococcal",
        "gyn_pelvic_inflammatory",
        "gynaecology",
        "high_risk",
        "pneumoconiosis",
        "post_surgery",
        "psychiatry",
    ]
    assert BOOK.default == "general"
    assert BOOK.plans["general"].source.endswith("messages/plans/general.yaml")
    assert [rule.plan for rule in BOOK.rules] == [
        "high_risk",
        "gyn_ectopic_surgery",
        "gyn_ectopic_surgery",
        "gyn_ectopic_no_surgery",
        "gyn_early_pregnancy",
        "gyn_pelvic_inflammatory",
        "gyn_nongonococcal",
        "gyn_condyloma",
        "gynaecology",
        "pneumoconiosis",
        "post_surgery",
        "chronic",
        "psychiatry",
        "pneumoconiosis",
        "psychiatry",
        "post_surgery",
        "post_surgery",
        "chronic",
        "chronic",
        "general_remote",
    ]


@pytest.mark.parametrize("key", sorted(BOOK.plans))
def test_every_plan_has_reexam_reminders_and_first_checkin_survey(key: str) -> None:
    plan = BOOK.plans[key]
    reminders = [
        (s.key, s.anchor, str(s.offset), s.template)
        for s in plan.steps
        if s.kind is StepKind.REEXAM_REMINDER
    ]
    assert reminders == [
        ("reexam_3d", Anchor.REVISIT, "-3d", "plans/reexam_3d"),
        ("reexam_1d", Anchor.REVISIT, "-1d", "plans/reexam_1d"),
    ]
    due = expand_plan(plan, utc(2026, 11, 18, 2, 0), None, utc(2026, 12, 1, 2, 0), SHANGHAI)
    surveys = [d.survey for d in due if d.kind is StepKind.CHECKIN]
    assert surveys[0] == "checkin_first"
    assert set(surveys[1:]) <= {"checkin_short"}
    assert plan.names["zh_CN"] and plan.names["en"]


def plan_templates() -> list[str]:
    return sorted({step.template for plan in BOOK.plans.values() for step in plan.steps})


def test_plan_templates_have_samples() -> None:
    samples = yaml.safe_load((MESSAGES_DIR / "samples" / "plans.yaml").read_text("utf-8"))
    assert set(plan_templates()) <= set(samples)  # plus shared pieces (plans/since_discharge)
    assert len(plan_templates()) == 55


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("key", plan_templates())
def test_plan_templates_are_short_telegram_html(key: str, locale: str) -> None:
    samples = yaml.safe_load((MESSAGES_DIR / "samples" / "plans.yaml").read_text("utf-8"))
    text = renderer.render(key, locale, **samples[key])
    assert 40 <= len(text) <= 600
    assert set(TAG.findall(text)) <= ALLOWED_TAGS
    assert renderer.template_name(key, locale) == f"{key}.html"


def test_plan_templates_escape_the_patient_name() -> None:
    text = renderer.render(
        "plans/general/day3_checkin",
        "zh_CN",
        hospital="市一院",
        department="心内科",
        patient_name="<b>王</b>",
        since_discharge="3天",
    )
    assert text.startswith("&lt;b&gt;王&lt;/b&gt;,您好!")


# ---------------------------------------------------------------- PlanError from bad files

BASIC = """\
key: basic
names: {zh_CN: 基础随访, en: Basic follow-up}
aliases: [基础]
steps:
  - key: day3
    kind: checkin
    offset: 3d
    template: plans/general/day3_checkin
    survey: checkin_first
  - key: tips
    kind: education
    offset: 1d
    template: plans/general/day1_home_care
"""
RULES = """\
default: basic
rules:
  - plan: basic
    departments: [心内科]
"""


def write_plans(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def load_error(tmp_path: Path, files: dict[str, str]) -> PlanError:
    folder = write_plans(tmp_path / "plans", files)
    with pytest.raises(PlanError) as caught:
        load_plan_book(folder, template_exists)
    return caught.value


def test_a_good_minimal_folder_loads(tmp_path: Path) -> None:
    book = load_plan_book(
        write_plans(tmp_path / "p", {"basic.yaml": BASIC, "rules.yaml": RULES}), template_exists
    )
    plan = book.plans["basic"]
    assert [s.key for s in plan.steps] == ["day3", "tips"]
    assert plan.steps[0] == PlanStep(
        "day3",
        StepKind.CHECKIN,
        Anchor.DISCHARGE,
        Offset(3, OffsetUnit.DAYS),
        "plans/general/day3_checkin",
        "checkin_first",
        None,
        timedelta(hours=24),
        True,
    )
    assert book.rules == (PlanRule("basic", ("心内科",), ()),)


STEP_CASES = [
    # (replace this, with this, expected error after the file name)
    (
        "offset: 3d",
        "offset: 3x",
        ', step day3, field offset: "3x" is not an offset; use forms like 3d, 2w, 3mo, -1d',
    ),
    (
        "offset: 3d",
        "offset: 3",
        ', step day3, field offset: "3" is not an offset; use forms like 3d, 2w, 3mo, -1d',
    ),
    (
        "offset: 3d",
        "offset: [3d]",
        ", step day3, field offset: expected an offset such as 3d, got a list",
    ),
    (
        "offset: 3d",
        "ofset: 3d",
        ", step day3, field ofset: unknown field; allowed fields are: key, kind, anchor, offset, "
        "template, survey, repeat, answer_timeout, enabled, days, hours",
    ),
    (
        "    template: plans/general/day3_checkin\n",
        "",
        ", step day3, field template: is missing (required)",
    ),
    (
        "kind: checkin",
        "kind: call",
        ', step day3, field kind: "call" is not allowed; use one of checkin, education, '
        "reexam_reminder, medication, medication_tip, message",
    ),
    (
        "offset: 3d",
        "offset: 3d\n    anchor: admission",
        ', step day3, field anchor: "admission" is not allowed; use one of discharge, revisit, '
        "medication_end, treatment",
    ),
    (
        "    survey: checkin_first\n",
        "",
        ", step day3, field survey: check-in steps need a survey, e.g. checkin_first",
    ),
    (
        "offset: 1d",
        "offset: 1d\n    survey: checkin_short",
        ", step tips, field survey: only checkin steps have a survey, not education steps",
    ),
    (
        "survey: checkin_first",
        "survey: Checkin First",
        ', step day3, field survey: "Checkin First" is not a valid key; use a-z, 0-9 and _, '
        "starting with a letter",
    ),
    ("survey: checkin_first", "survey: ''", ", step day3, field survey: must not be empty"),
    ("key: tips", "key: day3", ", step day3, field key: this step key is used twice"),
    (
        "key: tips",
        "key: 3tips",
        ', step 3tips, field key: "3tips" is not a valid key; use a-z, 0-9 and _, starting with '
        "a letter",
    ),
    (
        "  - key: tips\n",
        "  - kind2: x\n",
        ", step #2, field kind2: unknown field; allowed fields are: key, kind, anchor, offset, "
        "template, survey, repeat, answer_timeout, enabled, days, hours",
    ),
    (
        "kind: education",
        "kind: reexam_reminder",
        ", step tips, field anchor: reexam_reminder steps must use anchor: revisit",
    ),
    (
        "template: plans/general/day1_home_care",
        "template: plans/general/nope",
        ', step tips, field template: no template "plans/general/nope"; add it under '
        "messages/<locale>/ for every locale (zh_CN, en)",
    ),
    (
        "template: plans/general/day1_home_care",
        "template: Tips.html",
        ', step tips, field template: "Tips.html" is not a template key; use forms like '
        "plans/general/day3_checkin",
    ),
    (
        "template: plans/general/day1_home_care",
        "template: 12",
        ", step tips, field template: expected text, got a number",
    ),
    (
        "offset: 1d",
        "offset: 1d\n    enabled: maybe",
        ", step tips, field enabled: expected true or false, got text",
    ),
    (
        "offset: 3d",
        "offset: 3d\n    answer_timeout: soon",
        ', step day3, field answer_timeout: "soon" is not a duration; use forms like 12h, 24h, '
        "2d, 1w",
    ),
    (
        "offset: 1d",
        "offset: 1d\n    repeat: {every: 0d, until: 1mo}",
        ', step tips, field repeat.every: "0d" must be a positive offset, e.g. 3mo',
    ),
    (
        "offset: 1d",
        "offset: 1d\n    repeat: {every: -1d, until: 1mo}",
        ', step tips, field repeat.every: "-1d" must be a positive offset, e.g. 3mo',
    ),
    (
        "offset: 1d",
        "offset: 3mo\n    repeat: {every: 1w, until: 2mo}",
        ', step tips, field repeat.until: "2mo" comes before the step\'s offset "3mo"',
    ),
    (
        "offset: 1d",
        "offset: 1d\n    repeat: {every: 1h, until: 12mo}",
        ", step tips, field repeat: repeats more than 100 times; use a longer every or until",
    ),
    (
        "offset: 1d",
        "offset: 1d\n    repeat: {every: 1mo}",
        ", step tips, field repeat.until: is missing (required)",
    ),
    (
        "offset: 1d",
        "offset: 1d\n    repeat: {every: 1mo, until: 3mo, times: 2}",
        ", step tips, field repeat.times: unknown field; allowed fields are: every, until",
    ),
    (
        "offset: 1d",
        "offset: 1d\n    repeat: monthly",
        ", step tips, field repeat: expected a mapping of fields, got text",
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), STEP_CASES)
def test_step_errors_name_file_step_and_field(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    assert old in BASIC
    error = load_error(tmp_path, {"basic.yaml": BASIC.replace(old, new, 1), "rules.yaml": RULES})
    assert str(error) == str(tmp_path / "plans" / "basic.yaml") + expected
    assert error.file == str(tmp_path / "plans" / "basic.yaml")
    assert error.step is not None and error.field is not None
    assert f"step {error.step}, field {error.field}: {error.message}" in str(error)


PLAN_CASES = [
    (
        "key: basic",
        "key: Basic Plan",
        ', field key: "Basic Plan" is not a valid key; use a-z, 0-9 and _, starting with a letter',
    ),
    (
        "key: basic\n",
        "key: basic\ndescription: x\n",
        ", field description: unknown field; allowed fields are: key, names, aliases, steps",
    ),
    ("names: {zh_CN: 基础随访, en: Basic follow-up}\n", "", ", field names: is missing (required)"),
    (
        "en: Basic follow-up",
        "fr: Suivi",
        ", field names.fr: unknown field; allowed fields are: zh_CN, en",
    ),
    (", en: Basic follow-up", "", ", field names.en: is missing (required)"),
    ("en: Basic follow-up", "en: ''", ", field names.en: must not be empty"),
    ("aliases: [基础]", "aliases: 基础", ", field aliases: expected a list, got text"),
    ("aliases: [基础]", "aliases: [基础, 7]", ", field aliases: expected text, got a number"),
]


@pytest.mark.parametrize(("old", "new", "expected"), PLAN_CASES)
def test_plan_errors_name_file_and_field(tmp_path: Path, old: str, new: str, expected: str) -> None:
    assert old in BASIC
    error = load_error(tmp_path, {"basic.yaml": BASIC.replace(old, new, 1), "rules.yaml": RULES})
    assert str(error) == str(tmp_path / "plans" / "basic.yaml") + expected
    assert error.step is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "key: [unclosed\nnames: x\n",
            ": is not valid YAML at line 2: expected ',' or ']', but got ':'",
        ),
        (BASIC + "key: other\n", ': is not valid YAML at line 14: the key "key" appears twice'),
        ("- key: basic\n", ": expected a mapping of fields, got a list"),
        ("", ": expected a mapping of fields, got nothing"),
        (BASIC.split("steps:")[0] + "steps: []\n", ", field steps: a plan needs at least one step"),
        (
            BASIC.split("steps:")[0] + "steps: {}\n",
            ", field steps: expected a list of steps, got a mapping",
        ),
    ],
)
def test_file_level_errors(tmp_path: Path, text: str, expected: str) -> None:
    error = load_error(tmp_path, {"basic.yaml": text, "rules.yaml": RULES})
    assert str(error) == str(tmp_path / "plans" / "basic.yaml") + expected


def test_duplicate_plan_keys_across_files(tmp_path: Path) -> None:
    other = BASIC.replace("aliases: [基础]", "aliases: []").replace("Basic follow-up", "Other")
    other = other.replace("基础随访", "其他随访")
    error = load_error(tmp_path, {"a.yaml": BASIC, "b.yaml": other, "rules.yaml": RULES})
    folder = tmp_path / "plans"
    assert str(error) == (
        f'{folder / "b.yaml"}, field key: "basic" already names plan "basic" ({folder / "a.yaml"})'
    )


def second_plan(aliases: str) -> str:
    """Return BASIC renamed to plan `second`, with other aliases."""
    renamed = BASIC.replace("key: basic", "key: second").replace("基础随访", "第二")
    return renamed.replace("Basic follow-up", "Second").replace("aliases: [基础]", aliases)


def test_duplicate_alias_across_plans_is_case_insensitive(tmp_path: Path) -> None:
    first = BASIC.replace("aliases: [基础]", "aliases: [Heart Plan]")
    second = second_plan("aliases: [' heart plan ']")
    error = load_error(tmp_path, {"a.yaml": first, "b.yaml": second, "rules.yaml": RULES})
    folder = tmp_path / "plans"
    assert str(error) == (
        f'{folder / "b.yaml"}, field aliases: "heart plan" already names plan "basic" '
        f"({folder / 'a.yaml'})"
    )


def test_alias_equal_to_another_plans_name(tmp_path: Path) -> None:
    second = second_plan("aliases: [BASIC FOLLOW-UP]")
    error = load_error(tmp_path, {"a.yaml": BASIC, "b.yaml": second, "rules.yaml": RULES})
    assert error.field == "aliases"
    assert error.message.startswith('"BASIC FOLLOW-UP" already names plan "basic"')


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        (
            "default: basic\nrules:\n  - plan: chronic\n    departments: [心内科]\n",
            ', rule 1, field plan: no plan "chronic"; plans are: basic',
        ),
        ("default: general\n", ', field default: no plan "general"; plans are: basic'),
        ("rules: []\n", ", field default: is missing (required)"),
        (
            "default: basic\nrules:\n  - plan: basic\n    departments: [心内科]\n  - plan: basic\n",
            ", rule 2: a rule needs departments, diagnosis_keywords or flags "
            "(patients no rule matches get the default plan)",
        ),
        (
            "default: basic\nrules:\n  - plan: basic\n    department: [心内科]\n",
            ", rule 1, field department: unknown field; allowed fields are: plan, departments, "
            "diagnosis_keywords, flags",
        ),
        (
            "default: basic\nrules:\n  - plan: basic\n    departments: 心内科\n",
            ", rule 1, field departments: expected a list, got text",
        ),
        (
            "default: basic\nrules: {plan: basic}\n",
            ", field rules: expected a list of rules, got a mapping",
        ),
        (
            "default: basic\nfallback: basic\n",
            ", field fallback: unknown field; allowed fields are: default, rules",
        ),
    ],
)
def test_rules_errors(tmp_path: Path, rules: str, expected: str) -> None:
    error = load_error(tmp_path, {"basic.yaml": BASIC, "rules.yaml": rules})
    assert str(error) == str(tmp_path / "plans" / "rules.yaml") + expected


def test_rules_file_missing(tmp_path: Path) -> None:
    error = load_error(tmp_path, {"basic.yaml": BASIC})
    assert str(error) == f"{tmp_path / 'plans' / 'rules.yaml'}: file not found"


def test_no_plans_or_no_folder(tmp_path: Path) -> None:
    error = load_error(tmp_path, {"rules.yaml": RULES})
    assert str(error) == f"{tmp_path / 'plans'}: no plan files (*.yaml) found"
    with pytest.raises(PlanError) as caught:
        load_plan_book(tmp_path / "absent", template_exists)
    assert str(caught.value) == f"{tmp_path / 'absent'}: plan folder not found"


def test_paths_under_the_working_directory_are_shown_relative(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = BASIC.replace("offset: 3d", "offset: 3x")
    write_plans(tmp_path / "messages", {})
    write_plans(tmp_path / "messages" / "plans", {"general.yaml": bad, "rules.yaml": RULES})
    monkeypatch.chdir(tmp_path)
    with pytest.raises(PlanError) as caught:
        load_plan_book(tmp_path / "messages" / "plans", template_exists)
    assert str(caught.value) == (
        'messages/plans/general.yaml, step day3, field offset: "3x" is not an offset; '
        "use forms like 3d, 2w, 3mo, -1d"
    )


# ---------------------------------------------------------------- replace_step


def test_replace_step_changes_offset_template_and_enabled() -> None:
    plan = BOOK.plans["general"]
    moved = replace_step(plan, "day3", offset="5d", template_exists=template_exists)
    assert moved.step("day3") == replace_offset(plan.step("day3"), Offset(5, OffsetUnit.DAYS))
    assert moved.steps[0] == plan.steps[0] and len(moved.steps) == len(plan.steps)
    assert plan.step("day3").offset == Offset(3, OffsetUnit.DAYS)  # type: ignore[union-attr]
    off = replace_step(plan, "day14_healthy_living", enabled=False)
    due = expand_plan(off, utc(2026, 11, 18, 2, 0), None, None, SHANGHAI)
    assert "day14_healthy_living" not in {d.step_key for d in due}
    retemplated = replace_step(
        plan, "day7", template="plans/general/day30_checkin", offset=Offset(8, OffsetUnit.DAYS)
    )
    assert retemplated.step("day7").template == "plans/general/day30_checkin"  # type: ignore[union-attr]
    assert retemplated.step("day7").offset == Offset(8, OffsetUnit.DAYS)  # type: ignore[union-attr]


def replace_offset(step: PlanStep | None, offset: Offset) -> PlanStep:
    assert step is not None
    return PlanStep(
        step.key,
        step.kind,
        step.anchor,
        offset,
        step.template,
        step.survey,
        step.repeat,
        step.answer_timeout,
        step.enabled,
    )


@pytest.mark.parametrize(
    ("step", "changes", "expected"),
    [
        (
            "day3",
            {"offset": "3x"},
            'messages/plans/general.yaml, step day3, field offset: "3x" is not an offset; '
            "use forms like 3d, 2w, 3mo, -1d",
        ),
        (
            "day3",
            {"template": "plans/general/nope"},
            "messages/plans/general.yaml, step day3, field template: no template "
            '"plans/general/nope"; add it under messages/<locale>/ for every locale (zh_CN, en)',
        ),
        (
            "day3",
            {"survey": None},
            "messages/plans/general.yaml, step day3, field survey: check-in steps need a survey, "
            "e.g. checkin_first",
        ),
        (
            "day3",
            {"enabled": "no"},
            "messages/plans/general.yaml, step day3, field enabled: expected true or false, "
            "got text",
        ),
        (
            "day3",
            {"key": "day4"},
            "messages/plans/general.yaml, step day3, field key: a step key cannot be changed "
            "(it identifies sent messages)",
        ),
        (
            "day3",
            {"colour": "red"},
            "messages/plans/general.yaml, step day3, field colour: unknown field; fields are: "
            "kind, anchor, offset, template, survey, repeat, answer_timeout, enabled",
        ),
        (
            "day99",
            {"enabled": False},
            "messages/plans/general.yaml, step day99: no such step in this plan; steps are: "
            "day1_home_care, day3, day7, day14_healthy_living, day30, month6, reexam_3d, "
            "reexam_1d",
        ),
        (
            "reexam_1d",
            {"anchor": "discharge"},
            "messages/plans/general.yaml, step reexam_1d, field anchor: reexam_reminder steps "
            "must use anchor: revisit",
        ),
    ],
)
def test_replace_step_validates(step: str, changes: dict[str, object], expected: str) -> None:
    with pytest.raises(PlanError) as caught:
        replace_step(BOOK.plans["general"], step, template_exists=template_exists, **changes)
    assert str(caught.value).endswith(expected)


def test_repeat_in_other_units_counts_from_the_first_time() -> None:
    step = PlanStep(
        "tips",
        StepKind.EDUCATION,
        Anchor.DISCHARGE,
        Offset(2, OffsetUnit.WEEKS),
        "x/t",
        repeat=Repeat(Offset(1, OffsetUnit.MONTHS), Offset(3, OffsetUnit.MONTHS)),
    )
    plan = Plan("p", {"zh_CN": "甲", "en": "A"}, (), (step,))
    due = expand_plan(plan, shanghai(2026, 1, 17, 10, 0), None, None, SHANGHAI)
    assert [d.due_at for d in due] == [
        shanghai(2026, 1, 31, 10, 0),
        shanghai(2026, 2, 28, 10, 0),
        shanghai(2026, 3, 31, 10, 0),
    ]
