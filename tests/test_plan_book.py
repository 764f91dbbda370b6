"""Follow-up plans: choosing a plan for a patient, and the plans shipped in messages/plans."""

from __future__ import annotations

import re

import pytest
import yaml

from bot.domain.plans.expand import expand_plan
from bot.domain.plans.model import Anchor, PlanBook, PlanRule, StepKind
from bot.templating import LOCALES, MESSAGES_DIR
from tests.plan_files import BOOK, SHANGHAI, renderer, utc

ALLOWED_TAGS = {"b", "i", "u", "s", "a", "code", "pre", "blockquote"}
TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)")


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
