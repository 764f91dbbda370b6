"""The shipped plans against the seeds' days, and how rules choose among them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.plans.expand import expand_plan
from bot.domain.plans.model import MAX_OCCURRENCES, Anchor, StepKind
from tests.plan_files import BOOK

SHANGHAI = ZoneInfo("Asia/Shanghai")
DISCHARGED = datetime(2026, 11, 18, 10, 30, tzinfo=SHANGHAI)  # a Wednesday
TREATED = date(2026, 11, 16)  # 治疗日期 two days before discharge
MEDICATION_END = datetime(2026, 12, 2, 10, 30, tzinfo=SHANGHAI)  # a 14-day course
ANCHOR_DAYS = {
    Anchor.DISCHARGE: DISCHARGED.date(),
    Anchor.TREATMENT: TREATED,
    Anchor.MEDICATION_END: MEDICATION_END.date(),
}
MONTHS = {1: 30, 2: 61, 3: 92, 4: 120, 5: 151, 6: 181, 9: 273, 11: 334, 12: 365}  # from 11-18
D, T, M = Anchor.DISCHARGE, Anchor.TREATMENT, Anchor.MEDICATION_END

# (plan, step, anchor, the seed's days, the plan's day(s) after the anchor)
# Seed 003 = 医院客服回访制度及标准话术 (妇科疾病电话回访内容及天数; 电话回访的频率问题);
# seed 000 = 患者出院回访制度 (篇7 精神科, 篇9 尘肺病, 随访制度 慢性病/危重);
# seeds 001/002 = first contact 出院3-5天 / 72 h.
SEED_TABLE: list[tuple[str, str, Anchor, str, tuple[int, ...]]] = [
    ("general", "day3", D, "3-5 (001), 72 h (002)", (3,)),
    ("general", "day7", D, "一周 (003, local)", (7,)),
    ("general", "day30", D, "一个月 (003, local)", (MONTHS[1],)),
    ("general", "month6", D, "半年 (003, local)", (MONTHS[6],)),
    ("general_remote", "day2", D, "1-3 (003, 外地: 3天之内)", (2,)),
    ("chronic", "week2", D, "14-28 (000: 2-4周内)", (14,)),
    ("chronic", "week4", D, "14-28 (000: 2-4周内)", (28,)),
    ("chronic", "quarterly", D, "every 3 months (000)", (92, 181, 273, 365)),
    ("pneumoconiosis", "day7", D, "1-7 (000 篇9: 出院7天内)", (7,)),
    ("pneumoconiosis", "month3", D, "3个月 (000 篇9)", (MONTHS[3],)),
    ("pneumoconiosis", "month6", D, "6个月 (000 篇9)", (MONTHS[6],)),
    ("pneumoconiosis", "month11_lung_function", D, "1年后复查肺功能 (000)", (MONTHS[11],)),
    ("post_surgery", "day3", D, "3-5 (001)", (3,)),
    ("post_surgery", "day7", D, "7-15 (000 篇4)", (7,)),
    ("post_surgery", "day30", D, "15-30 (000 篇1)", (MONTHS[1],)),
    ("gynaecology", "day3", D, "3 (003 阴道炎), 3-5 (宫颈炎)", (3,)),
    ("gynaecology", "day7", D, "7 (003)", (7,)),
    ("gynaecology", "after_medication", M, "停药后3天 (003)", (3,)),
    ("gyn_pelvic_inflammatory", "day4", D, "3-5 (003 首诊后)", (4,)),
    ("gyn_pelvic_inflammatory", "day10", D, "7-12 (003 首诊后)", (10,)),
    ("gyn_pelvic_inflammatory", "day21_after_treatment", T, "21 (003 治疗后)", (21,)),
    ("gyn_nongonococcal", "day3", D, "3 (003 取药后)", (3,)),
    ("gyn_nongonococcal", "day10", D, "10 (003 取药后)", (10,)),
    ("gyn_nongonococcal", "after_treatment", M, "5-6 (003 停药后)", (5,)),
    ("gyn_condyloma", "day3", T, "3 (003 治疗后)", (3,)),
    ("gyn_condyloma", "day10", T, "10 (003 治疗后)", (10,)),
    ("gyn_condyloma", "day14", T, "14 (003 治疗后)", (14,)),
    ("gyn_ectopic_surgery", "day2", D, "1-3 (003 术后出院)", (2,)),
    ("gyn_ectopic_surgery", "week2", D, "14 (003 2周左右)", (14,)),
    ("gyn_ectopic_surgery", "month1", D, "一个月 (003)", (MONTHS[1],)),
    ("gyn_ectopic_no_surgery", "day2", D, "2 (003 首诊后)", (2,)),
    ("gyn_ectopic_no_surgery", "day3", D, "3 (003 首诊后)", (3,)),
    ("gyn_ectopic_no_surgery", "day7", D, "7 (003)", (7,)),
    ("gyn_early_pregnancy", "day2", T, "1-3 (003 治疗后)", (2,)),
    ("gyn_early_pregnancy", "day6", T, "5-7 (003 治疗后)", (6,)),
    ("psychiatry", "month1", D, "出院1个月后 (000 篇7)", (30,)),
    ("psychiatry", "half_monthly", D, "then every half month (000 篇7)", tuple(range(45, 361, 15))),
    ("high_risk", "day1", D, "危重: 随时随访 (000)", (1,)),
    ("high_risk", "day3", D, "危重: 随时随访 (000)", (3,)),
    ("high_risk", "weekly", D, "危重: 随时随访 (000)", (7, 14, 21, 28)),
    ("high_risk", "monthly", D, "危重: 随时随访 (000)", tuple(MONTHS[n] for n in range(2, 7))),
]


def seed_range(text: str) -> tuple[int, int] | None:
    """Return the seed's day range from texts like "3-5 (...)", or None for other wording."""
    head = text.split(" ")[0]
    low, _, high = head.partition("-")
    if not low.isdigit():
        return None
    return int(low), int(high or low)


def days_by_step(plan_key: str) -> dict[tuple[str, Anchor], tuple[int, ...]]:
    """Expand a shipped plan for the sample patient: step -> days after its anchor."""
    plan = BOOK.plans[plan_key]
    due = expand_plan(plan, DISCHARGED, None, MEDICATION_END, SHANGHAI, treated_on=TREATED)
    found: dict[tuple[str, Anchor], list[int]] = {}
    for item in due:
        step = plan.step(item.step_key)
        assert step is not None
        if step.kind in (StepKind.CHECKIN, StepKind.MESSAGE):
            local_day = item.due_at.astimezone(SHANGHAI).date()
            days = (local_day - ANCHOR_DAYS[step.anchor]).days
            found.setdefault((step.key, step.anchor), []).append(days)
    return {key: tuple(days) for key, days in found.items()}


@pytest.mark.parametrize("plan_key", sorted(BOOK.plans))
def test_every_shipped_plan_matches_the_seed_table(plan_key: str) -> None:
    expected = {
        (step, anchor): days for plan, step, anchor, _, days in SEED_TABLE if plan == plan_key
    }
    actual = days_by_step(plan_key)
    if plan_key == "chronic":  # as long as the patient stays enrolled: compare the first year
        quarterly = actual[("quarterly", D)]
        assert len(quarterly) == MAX_OCCURRENCES
        actual[("quarterly", D)] = quarterly[:4]
    assert actual == expected


@pytest.mark.parametrize(
    ("plan", "step", "seed", "day"), [(r[0], r[1], r[3], r[4][0]) for r in SEED_TABLE]
)
def test_days_chosen_inside_a_seed_range_stay_inside_it(
    plan: str, step: str, seed: str, day: int
) -> None:
    bounds = seed_range(seed)
    if bounds is not None:
        assert bounds[0] <= day <= bounds[1]


def test_without_a_treatment_date_treatment_steps_count_from_discharge() -> None:
    plan = BOOK.plans["gyn_condyloma"]
    due = expand_plan(plan, DISCHARGED, None, None, SHANGHAI)
    day3 = next(d for d in due if d.step_key == "day3")
    assert day3.due_at == (DISCHARGED + timedelta(days=3)).astimezone(UTC)


def test_psychiatry_steps_carry_weekday_afternoons() -> None:
    for step in BOOK.plans["psychiatry"].steps:
        if step.kind is StepKind.CHECKIN:
            assert step.contact is not None and step.contact.weekdays_only
            assert [str(w) for w in step.contact.windows] == ["12:00-18:00"]


# (plan column, department, diagnosis, 特殊标记, chosen plan)
CHOICES = [
    (None, "妇科", "异位妊娠 腹腔镜下输卵管切除术后", None, "gyn_ectopic_surgery"),
    (None, "妇产科", "右侧输卵管妊娠(宫外孕)", "术后", "gyn_ectopic_surgery"),
    (None, "妇科", "宫外孕", None, "gyn_ectopic_no_surgery"),
    (None, "妇科", "异位妊娠 腹腔镜手术后", None, "gyn_ectopic_surgery"),  # both words
    (None, "妇科", "术后复查 异位妊娠", None, "gyn_ectopic_surgery"),
    (None, "妇科", "左侧输卵管妊娠", None, "gyn_ectopic_no_surgery"),
    (None, "妇产科", "早孕 先兆流产", None, "gyn_early_pregnancy"),
    (None, "妇科", "早孕 保胎治疗", None, "gyn_early_pregnancy"),
    (None, "妇科", "急性盆腔炎", None, "gyn_pelvic_inflammatory"),
    (None, "妇科", "非淋菌性宫颈炎", None, "gyn_nongonococcal"),
    (None, "妇科", "尖锐湿疣", None, "gyn_condyloma"),
    (None, "皮肤科", "尖锐湿疣", None, "general"),  # the gynaecology schedule is for 妇科
    (None, "妇科", "细菌性阴道病", None, "gynaecology"),
    (None, "妇科", "宫颈息肉", "高龄", "gynaecology"),
    (None, "精神科", "精神分裂症", None, "psychiatry"),
    (None, "神经内科", "抑郁症", None, "psychiatry"),
    (None, "心内科", "急性心肌梗死", "危重", "high_risk"),
    (None, "妇科", "宫外孕", "病情危重;高龄", "high_risk"),
    ("general", "心内科", "高血压", "危重", "general"),  # the 随访计划 column wins
    ("高危随访", "眼科", "白内障", None, "high_risk"),
    (None, "眼科", "白内障", "术后", "post_surgery"),
    (None, "心内科", "PCI", "术后", "chronic"),  # department rules come first
    (None, "眼科", "干眼症", "慢病", "chronic"),
    (None, "眼科", "白内障", "外地", "general_remote"),
    (None, "眼科", "白内障", "本地", "general"),
    (None, "眼科", "白内障", "高龄", "general"),
    (None, "心内科", "高血压", "外地", "chronic"),  # 外地 only changes the general plan
]


@pytest.mark.parametrize(("column", "department", "diagnosis", "flags", "plan"), CHOICES)
def test_rules_choose_by_department_diagnosis_and_flags(
    column: str | None, department: str, diagnosis: str, flags: str | None, plan: str
) -> None:
    assert BOOK.choose(column, department, diagnosis, flags).key == plan
