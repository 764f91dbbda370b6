"""Plan files: bad plan fields, broken YAML, clashing keys and aliases, bad rules files."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain.plans.errors import PlanError
from bot.domain.plans.loader import load_plan_book
from tests.plan_files import BASIC, RULES, load_error, template_exists, write_plans

# ---------------------------------------------------------------- PlanError from bad files


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
