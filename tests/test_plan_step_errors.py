"""Plan files: a good folder loads, and every bad step field names its file, step and field."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.domain.plans.loader import load_plan_book
from bot.domain.plans.model import Anchor, Offset, OffsetUnit, PlanRule, PlanStep, StepKind
from tests.plan_files import BASIC, RULES, load_error, template_exists, write_plans

# ---------------------------------------------------------------- PlanError from bad files


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
