"""Read and validate one survey question: its options, condition, limits and actions."""

from __future__ import annotations

import itertools
import re
from collections.abc import Collection, Iterable, Mapping

from bot.domain import data_files
from bot.domain.surveys.checks import check_question
from bot.domain.surveys.errors import Where
from bot.domain.surveys.fields import (
    PLAN_KEY_PATTERN,
    QUESTION_KEY_PATTERN,
    as_actions,
    as_key,
    as_max_length,
    as_measure,
    as_template,
    as_value,
    unique,
)
from bot.domain.surveys.model import (
    CHOICE_TYPES,
    DEFAULT_MAX_LENGTH,
    MAX_OPTIONS,
    NO_LABEL,
    OPTION_LABELS,
    RESPONDENTS,
    SCALE_MAX,
    SCALE_MIN,
    YES_LABEL,
    Action,
    Condition,
    Option,
    Question,
    QuestionType,
    ScaleRange,
)
from bot.domain.surveys.rescheduling import PICK_TIME_VALUES, RESCHEDULE_DELAYS

RANGE_PATTERN = re.compile(r"^(\d{1,2})(?:\s*-\s*(\d{1,2}))?$")

QUESTION_FIELDS = (
    "key",
    "type",
    "text",
    "options",
    "condition",
    "plans",
    "flags",
    "respondents",
    "actions_on_text",
    "scale_actions",
    "required",
    "max_length",
    "measure",
)
QUESTION_REQUIRED = ("key", "type", "text")
OPTION_FIELDS = ("value", "label", "actions")
CONDITION_FIELDS = ("question", "values")

TYPE_ONLY_FIELDS: dict[str, frozenset[QuestionType]] = {
    "options": CHOICE_TYPES,
    "actions_on_text": frozenset({QuestionType.FREE_TEXT}),
    "max_length": frozenset({QuestionType.FREE_TEXT}),
    "scale_actions": frozenset({QuestionType.SCALE}),
}


def load_question(
    raw: object, where: Where, earlier: Mapping[str, Question], plan_keys: Collection[str] | None
) -> Question:
    """Read and validate one question."""
    data = data_files.checked_fields(raw, where, None, QUESTION_FIELDS, QUESTION_REQUIRED)
    kind = data_files.as_choice(data["type"], where, "type", QuestionType)
    _check_type_fields(data, kind, where)
    question = Question(
        key=as_key(data["key"], where, "key", QUESTION_KEY_PATTERN, 32),
        type=kind,
        text=as_template(data["text"], where, "text"),
        options=_load_options(data.get("options"), kind, where),
        condition=_load_condition(data.get("condition"), where, earlier),
        plans=_load_plans(data.get("plans"), where, plan_keys),
        flags=unique(
            tuple(
                data_files.as_text(item, where, "flags")
                for item in data_files.as_list(data.get("flags"), where, "flags")
            ),
            where,
            "flags",
        ),
        respondents=_load_respondents(data.get("respondents"), where),
        actions_on_text=as_actions(data.get("actions_on_text"), where, "actions_on_text"),
        scale_actions=_load_scale_actions(data.get("scale_actions"), where),
        required=data_files.as_bool(data.get("required", True), where, "required"),
        max_length=as_max_length(data.get("max_length", DEFAULT_MAX_LENGTH), where),
        measure=as_measure(data.get("measure"), where),
    )
    check_question(question, where)
    return question


def _check_type_fields(data: Mapping[str, object], kind: QuestionType, where: Where) -> None:
    """Refuse fields that do not belong to this question type."""
    for name, kinds in TYPE_ONLY_FIELDS.items():
        if name in data and kind not in kinds:
            allowed = ", ".join(sorted(k.value for k in kinds))
            raise where.error(name, f"only {allowed} questions have {name}, not {kind} questions")


def _load_options(raw: object, kind: QuestionType, where: Where) -> tuple[Option, ...]:
    """Read a choice question's options, generating yes_no and pick_time ones when omitted."""
    if kind not in CHOICE_TYPES:
        return ()
    if raw is None:
        if kind is QuestionType.SINGLE_CHOICE:
            raise where.error("options", "is missing (required for single_choice questions)")
        return _standard_options(kind)
    if not isinstance(raw, list):
        raise where.error("options", f"expected a list of options, got {data_files.type_name(raw)}")
    options = tuple(_load_option(item, kind, where, n) for n, item in enumerate(raw, start=1))
    _check_options(options, kind, where)
    return options


def _standard_options(kind: QuestionType) -> tuple[Option, ...]:
    """Return the generated options of a yes_no or pick_time question."""
    if kind is QuestionType.YES_NO:
        return (Option("yes", YES_LABEL), Option("no", NO_LABEL))
    return tuple(_time_option(value) for value in PICK_TIME_VALUES)


def _time_option(value: str, label: str | None = None, actions: Iterable[Action] = ()) -> Option:
    """Return a pick_time option, which always reschedules."""
    merged = (*actions, Action.RESCHEDULE) if Action.RESCHEDULE not in actions else tuple(actions)
    return Option(value, label or f"{OPTION_LABELS}/{value}", merged)


def _load_option(raw: object, kind: QuestionType, where: Where, number: int) -> Option:
    """Read one option."""
    name = f"options[{number}]"
    required = ("value", "label") if kind is QuestionType.SINGLE_CHOICE else ("value",)
    data = data_files.checked_fields(raw, where, name, OPTION_FIELDS, required)
    value = as_value(data["value"], where, f"{name}.value")
    label = (
        None if data.get("label") is None else as_template(data["label"], where, f"{name}.label")
    )
    actions = as_actions(data.get("actions"), where, f"{name}.actions")
    if Action.RESCHEDULE in actions and kind is not QuestionType.PICK_TIME:
        raise where.error(f"{name}.actions", "only pick_time options can reschedule")
    if kind is QuestionType.PICK_TIME:
        if value not in RESCHEDULE_DELAYS:
            raise where.error(
                f"{name}.value",
                f'"{value}" is not a time choice; use {", ".join(PICK_TIME_VALUES)}',
            )
        return _time_option(value, label, actions)
    if kind is QuestionType.YES_NO:
        if value not in ("yes", "no"):
            raise where.error(
                f"{name}.value", f'"{value}" is not allowed; yes_no options are yes and no'
            )
        label = label or (YES_LABEL if value == "yes" else NO_LABEL)
    assert label is not None  # single_choice labels are required fields
    return Option(value, label, actions)


def _check_options(options: tuple[Option, ...], kind: QuestionType, where: Where) -> None:
    """Check the option list as a whole: unique values, counts per type."""
    seen: set[str] = set()
    for number, option in enumerate(options, start=1):
        if option.value in seen:
            raise where.error(
                f"options[{number}].value", f'"{option.value}" is used twice in this question'
            )
        seen.add(option.value)
    if kind is QuestionType.YES_NO and seen != {"yes", "no"}:
        raise where.error("options", "a yes_no question has exactly the options yes and no")
    if kind is QuestionType.SINGLE_CHOICE and not 2 <= len(options) <= MAX_OPTIONS:
        raise where.error("options", f"a single_choice question needs 2 to {MAX_OPTIONS} options")
    if kind is QuestionType.PICK_TIME and not options:
        raise where.error("options", "a pick_time question needs at least one time choice")


def _load_condition(raw: object, where: Where, earlier: Mapping[str, Question]) -> Condition | None:
    """Read a condition on an earlier question's answer."""
    if raw is None:
        return None
    data = data_files.checked_fields(raw, where, "condition", CONDITION_FIELDS, CONDITION_FIELDS)
    key = data_files.as_text(data["question"], where, "condition.question")
    target = earlier.get(key)
    if target is None:
        raise where.error(
            "condition.question", f'"{key}" is not an earlier question of this survey'
        )
    if target.type is QuestionType.FREE_TEXT:
        raise where.error(
            "condition.question", f'"{key}" is free text; conditions need choices or a scale'
        )
    values = data_files.as_list(data["values"], where, "condition.values")
    if not values:
        raise where.error("condition.values", "list at least one answer value")
    checked = tuple(as_value(item, where, "condition.values") for item in values)
    for value in checked:
        if value not in target.values():
            allowed = ", ".join(target.values())
            raise where.error(
                "condition.values", f'"{value}" is not an answer of "{key}"; answers are: {allowed}'
            )
    if len(set(checked)) != len(checked):
        raise where.error("condition.values", "a value is listed twice")
    return Condition(key, checked)


def _load_plans(raw: object, where: Where, plan_keys: Collection[str] | None) -> tuple[str, ...]:
    """Read the plans a question is limited to."""
    plans = tuple(
        as_key(item, where, "plans", PLAN_KEY_PATTERN, 48)
        for item in data_files.as_list(raw, where, "plans")
    )
    for plan in plans:
        if plan_keys is not None and plan not in plan_keys:
            raise where.error(
                "plans", f'no plan "{plan}"; plans are: {", ".join(sorted(plan_keys))}'
            )
    return unique(plans, where, "plans")


def _load_respondents(raw: object, where: Where) -> tuple[str, ...]:
    """Read who a question is limited to (patient, family)."""
    respondents = tuple(
        data_files.as_text(item, where, "respondents")
        for item in data_files.as_list(raw, where, "respondents")
    )
    for respondent in respondents:
        if respondent not in RESPONDENTS:
            raise where.error(
                "respondents", f'"{respondent}" is not allowed; use {", ".join(RESPONDENTS)}'
            )
    return unique(respondents, where, "respondents")


def _load_scale_actions(raw: object, where: Where) -> tuple[ScaleRange, ...]:
    """Read ranges such as `0-6: [open_complaint]`, within 0-10 and not overlapping."""
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise where.error(
            "scale_actions",
            f"expected a mapping such as 0-6: [red_flag], got {data_files.type_name(raw)}",
        )
    ranges = sorted(
        (_scale_range(key, value, where) for key, value in raw.items()), key=lambda r: r.low
    )
    for before, after in itertools.pairwise(ranges):
        if after.low <= before.high:
            raise where.error(
                "scale_actions",
                f"ranges {before.low}-{before.high} and {after.low}-{after.high} overlap",
            )
    return tuple(ranges)


def _scale_range(key: object, value: object, where: Where) -> ScaleRange:
    """Read one scale range and its actions."""
    name = f"scale_actions.{key}"
    match = (
        RANGE_PATTERN.match(str(key).strip())
        if isinstance(key, str | int) and not isinstance(key, bool)
        else None
    )
    if match is None:
        raise where.error(name, f'"{key}" is not a range; use forms like 0-6 or 10')
    low = int(match.group(1))
    high = int(match.group(2) or low)
    if not SCALE_MIN <= low <= high <= SCALE_MAX:
        raise where.error(name, f"a range runs from low to high within {SCALE_MIN}-{SCALE_MAX}")
    actions = as_actions(value, where, name)
    if Action.RESCHEDULE in actions:
        raise where.error(name, "only pick_time options can reschedule")
    return ScaleRange(low, high, actions)
