"""Follow-up plans: changing one step of a plan, checked like a plan file."""

from __future__ import annotations

import pytest

from bot.domain.plans.edits import replace_step
from bot.domain.plans.errors import PlanError
from bot.domain.plans.expand import expand_plan
from bot.domain.plans.model import Anchor, Offset, OffsetUnit, Plan, PlanStep, Repeat, StepKind
from tests.plan_files import BOOK, SHANGHAI, shanghai, template_exists, utc

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
