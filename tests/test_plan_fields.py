"""New plan fields: days and hours, open-ended repeats, rules by 特殊标记, survey flags."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.domain.holidays import NoHolidays
from bot.domain.plans.loader import load_plan_book
from bot.domain.plans.model import PlanRule, has_flag
from bot.domain.schedule import SendPolicy, Window, next_send_time
from bot.domain.step_hours import StepHours, step_hours_of
from bot.domain.surveys.engine import applies
from bot.domain.surveys.loader import load_surveys
from bot.domain.surveys.model import SurveyContext
from tests.plan_files import BASIC, RULES, load_error, template_exists, write_plans

SHANGHAI = ZoneInfo("Asia/Shanghai")
POLICY = SendPolicy(
    (Window(time(9), time(11, 30)), Window(time(15), time(20))),
    SHANGHAI,
    NoHolidays(),
    timedelta(days=2),
)
AFTERNOONS = StepHours(weekdays_only=True, windows=(Window(time(12), time(18)),))


def shanghai(day: str, clock: str) -> datetime:
    return datetime.fromisoformat(f"{day} {clock}").replace(tzinfo=SHANGHAI).astimezone(UTC)


def test_step_hours_narrow_the_send_windows_to_weekday_afternoons() -> None:
    monday, saturday = date(2026, 11, 23), date(2026, 11, 28)
    assert AFTERNOONS.day_windows(monday, POLICY.windows) == (Window(time(15), time(18)),)
    assert AFTERNOONS.day_windows(saturday, POLICY.windows) == ()
    anyday = StepHours(windows=(Window(time(10), time(16)),))
    assert anyday.day_windows(saturday, POLICY.windows) == (
        Window(time(10), time(11, 30)),
        Window(time(15), time(16)),
    )
    assert StepHours().day_windows(saturday, POLICY.windows) == POLICY.windows


@pytest.mark.parametrize(
    ("earliest", "expected"),
    [
        (("2026-11-23", "10:00"), ("2026-11-23", "15:00")),  # Monday morning -> afternoon
        (("2026-11-23", "16:30"), ("2026-11-23", "16:30")),  # already inside
        (("2026-11-23", "18:30"), ("2026-11-24", "15:00")),  # too late -> next weekday
        (("2026-11-27", "19:00"), ("2026-11-30", "15:00")),  # Friday evening -> Monday
        (("2026-11-28", "15:00"), ("2026-11-30", "15:00")),  # Saturday -> Monday
    ],
)
def test_next_send_time_honours_a_steps_hours(
    earliest: tuple[str, str], expected: tuple[str, str]
) -> None:
    sent = next_send_time(shanghai(*earliest), POLICY, 0, AFTERNOONS)
    local = sent.astimezone(SHANGHAI)
    assert local.date().isoformat() == expected[0]
    assert expected[1] <= f"{local:%H:%M}" < "18:00"
    if earliest[0] == expected[0]:
        assert sent >= shanghai(*earliest)


def test_an_outbox_row_carries_its_steps_hours_as_text() -> None:
    assert str(AFTERNOONS) == "weekdays 12:00-18:00"
    assert step_hours_of({"step_hours": str(AFTERNOONS)}) == AFTERNOONS
    assert step_hours_of({"step_hours": "any 09:00-10:00,14:00-15:00"}) == StepHours(
        False, (Window(time(9), time(10)), Window(time(14), time(15)))
    )
    assert step_hours_of({"revisit_date": "2026-12-02"}) is None


def test_without_step_hours_the_send_windows_alone_decide() -> None:
    saturday = shanghai("2026-11-28", "10:00")
    assert next_send_time(saturday, POLICY, 0) == saturday


HOURS = "offset: 3d\n    days: weekdays\n    hours: 12:00-18:00"


def test_days_hours_and_open_repeats_load(tmp_path: Path) -> None:
    text = BASIC.replace("offset: 3d", HOURS).replace(
        "offset: 1d", "offset: 3mo\n    repeat: {every: 3mo, until: enrolled}"
    )
    folder = write_plans(tmp_path / "p", {"basic.yaml": text, "rules.yaml": RULES})
    plan = load_plan_book(folder, template_exists).plans["basic"]
    day3, tips = plan.steps
    assert day3.contact == AFTERNOONS
    assert tips.repeat is not None and tips.repeat.until is None
    assert tips.contact is None


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "offset: 3d",
            "offset: 3d\n    days: weekend",
            ', step day3, field days: "weekend" is not allowed; use one of any, weekdays',
        ),
        (
            "offset: 3d",
            "offset: 3d\n    hours: afternoon",
            ", step day3, field hours: send window 'afternoon' is not a window; expected "
            "HH:MM-HH:MM, several separated by commas, e.g. 09:00-11:30,15:00-20:00",
        ),
        (
            "offset: 3d",
            "offset: 3d\n    hours: 18:00-12:00",
            ", step day3, field hours: send window '18:00-12:00' must start before it ends "
            "(windows cannot cross midnight)",
        ),
        (
            "offset: 1d",
            "offset: 1d\n    repeat: {every: 1mo, until: forever}",
            ', step tips, field repeat.until: "forever" is not an offset; use forms like 3d, 2w, '
            "3mo, -1d",
        ),
    ],
)
def test_bad_days_hours_and_until_name_the_step_and_field(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    error = load_error(tmp_path, {"basic.yaml": BASIC.replace(old, new, 1), "rules.yaml": RULES})
    assert str(error) == str(tmp_path / "plans" / "basic.yaml") + expected


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        (
            "default: basic\nrules:\n  - plan: basic\n    flags: 术后\n",
            ", rule 1, field flags: expected a list, got text",
        ),
        (
            "default: basic\nrules:\n  - plan: basic\n    flags: [术后, 3]\n",
            ", rule 1, field flags: expected text, got a number",
        ),
        (
            "default: basic\nrules:\n  - plan: basic\n    diagnosis_keywords: [宫外孕+]\n",
            ', rule 1, field diagnosis_keywords: "宫外孕+" has an empty part; join words with + '
            "as in 宫外孕+术后",
        ),
        (
            "default: basic\nrules:\n  - plan: basic\n    flags: []\n",
            ", rule 1: a rule needs departments, diagnosis_keywords or flags "
            "(patients no rule matches get the default plan)",
        ),
    ],
)
def test_bad_rule_flags_name_the_rule_and_field(tmp_path: Path, rules: str, expected: str) -> None:
    error = load_error(tmp_path, {"basic.yaml": BASIC, "rules.yaml": rules})
    assert str(error) == str(tmp_path / "plans" / "rules.yaml") + expected


def test_a_flag_rule_loads_and_matches(tmp_path: Path) -> None:
    rules = "default: basic\nrules:\n  - plan: basic\n    flags: [危重]\n"
    folder = write_plans(tmp_path / "p", {"basic.yaml": BASIC, "rules.yaml": rules})
    book = load_plan_book(folder, template_exists)
    assert book.rules == (PlanRule("basic", (), (), ("危重",)),)
    assert book.rules[0].matches("任何科室", None, "病情危重; 高龄")
    assert not book.rules[0].matches("任何科室", None, None)


@pytest.mark.parametrize(
    ("flags", "flag", "found"),
    [
        ("术后;高龄", "术后", True),
        (" 外地 ", "外地", True),
        ("本地", "外地", False),
        (None, "术后", False),
    ],
)
def test_has_flag(flags: str | None, flag: str, found: bool) -> None:
    assert has_flag(flags, flag) is found


def test_survey_questions_limited_by_flag_apply_on_any_plan() -> None:
    surveys = load_surveys(Path("messages/surveys"), template_exists)
    wound = surveys["checkin_short"].question("wound")
    assert wound is not None and wound.flags == ("术后",)
    assert applies(wound, {}, SurveyContext("chronic", flags="术后;高龄"))
    assert applies(wound, {}, SurveyContext("post_surgery"))
    assert not applies(wound, {}, SurveyContext("chronic"))
    assert not applies(wound, {}, SurveyContext("general", flags="高龄"))
