"""Coerce and check the fields of plan steps and rules, raising PlanErrors."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from bot.domain import data_files
from bot.domain.plans.errors import Where
from bot.domain.plans.model import (
    MAX_OCCURRENCES,
    Anchor,
    Offset,
    PlanStep,
    Repeat,
    StepKind,
    fold,
    parse_duration,
    parse_offset,
)
from bot.domain.step_hours import StepHours, step_hours

PLAN_LOCALES = ("zh_CN", "en")
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
TEMPLATE_PATTERN = data_files.TEMPLATE_PATTERN
REPEAT_FIELDS = ("every", "until")
OPEN_ENDED = "enrolled"  # repeat.until: as long as the patient stays enrolled


def as_key(raw: object, where: Where, name: str) -> str:
    """Return an identifier such as `day3` or `checkin_first`."""
    text = data_files.as_text(raw, where, name)
    if not KEY_PATTERN.match(text):
        raise where.error(
            name, f'"{text}" is not a valid key; use a-z, 0-9 and _, starting with a letter'
        )
    return text


def as_survey(raw: object, where: Where, name: str) -> str | None:
    """Return a survey key, or None when absent."""
    return None if raw is None else as_key(raw, where, name)


def as_template(raw: object, where: Where, name: str) -> str:
    """Return a template key such as `plans/general/day3_checkin`."""
    return data_files.as_template(raw, where, name, "plans/general/day3_checkin")


def as_kind(raw: object, where: Where, name: str) -> StepKind:
    """Return a step kind; `medication` in a plan (older files and edits) is a tip."""
    kind = data_files.as_choice(raw, where, name, StepKind)
    # Reminders of a prescribed medicine come from the discharge list, never from a plan.
    return StepKind.MEDICATION_TIP if kind is StepKind.MEDICATION else kind


def as_anchor(raw: object, where: Where, name: str) -> Anchor:
    """Return an anchor."""
    return data_files.as_choice(raw, where, name, Anchor)


def as_offset(raw: object, where: Where, name: str) -> Offset:
    """Return an offset from an Offset or its text."""
    if isinstance(raw, Offset):
        return raw
    if isinstance(raw, list | dict) or raw is None:
        raise where.error(name, f"expected an offset such as 3d, got {data_files.type_name(raw)}")
    try:
        return parse_offset(str(raw))
    except ValueError as error:
        raise where.error(name, str(error)) from None


def as_timeout(raw: object, where: Where, name: str) -> timedelta:
    """Return a positive duration from a timedelta or its text."""
    if isinstance(raw, timedelta):
        return raw
    if isinstance(raw, list | dict) or raw is None:
        raise where.error(name, f"expected a duration such as 24h, got {data_files.type_name(raw)}")
    try:
        return parse_duration(str(raw))
    except ValueError as error:
        raise where.error(name, str(error)) from None


def as_repeat(raw: object, where: Where, name: str) -> Repeat | None:
    """Return a Repeat from a Repeat or a mapping with every/until, or None."""
    if raw is None or isinstance(raw, Repeat):
        return raw
    data = data_files.checked_fields(raw, where, name, REPEAT_FIELDS, REPEAT_FIELDS)
    every = as_offset(data["every"], where, f"{name}.every")
    if isinstance(data["until"], str) and fold(data["until"]) == OPEN_ENDED:
        return Repeat(every=every, until=None)
    return Repeat(every=every, until=as_offset(data["until"], where, f"{name}.until"))


def as_contact(days: object, hours: object, where: Where) -> StepHours | None:
    """Return a step's own contact days and hours (`days: weekdays`, `hours: 12:00-18:00`)."""
    if days is None and hours is None:
        return None
    chosen = None if days is None else data_files.as_text(days, where, "days")
    window_text = None if hours is None else data_files.as_text(hours, where, "hours")
    try:
        step_hours(chosen, None)
    except ValueError as error:
        raise where.error("days", str(error)) from None
    try:
        return step_hours(chosen, window_text)
    except ValueError as error:
        raise where.error("hours", str(error)) from None


def as_texts(raw: object, where: Where, name: str) -> tuple[str, ...]:
    """Return a list of non-empty texts (absent means empty)."""
    return tuple(
        data_files.as_text(item, where, name) for item in data_files.as_list(raw, where, name)
    )


STEP_COERCERS: dict[str, Callable[[object, Where, str], object]] = {
    "kind": as_kind,
    "anchor": as_anchor,
    "offset": as_offset,
    "template": as_template,
    "survey": as_survey,
    "repeat": as_repeat,
    "answer_timeout": as_timeout,
    "enabled": data_files.as_bool,
}


# ---------------------------------------------------------------- validating


def check_step(step: PlanStep, where: Where, template_exists: Callable[[str], bool] | None) -> None:
    """Check the rules that tie a step's fields together."""
    if step.kind is StepKind.CHECKIN and step.survey is None:
        raise where.error("survey", "check-in steps need a survey, e.g. checkin_first")
    if step.kind is not StepKind.CHECKIN and step.survey is not None:
        raise where.error("survey", f"only checkin steps have a survey, not {step.kind} steps")
    if step.kind is StepKind.REEXAM_REMINDER and step.anchor is not Anchor.REVISIT:
        raise where.error("anchor", "reexam_reminder steps must use anchor: revisit")
    if step.answer_timeout <= timedelta(0):
        raise where.error("answer_timeout", "must be longer than zero")
    if step.repeat is not None:
        _check_repeat(step.offset, step.repeat, where)
    if template_exists is not None and not template_exists(step.template):
        raise where.error("template", data_files.missing_template(step.template, PLAN_LOCALES))


def _check_repeat(offset: Offset, repeat: Repeat, where: Where) -> None:
    """Check that a repeat moves forward, ends after it starts, and stays small."""
    if repeat.every.amount <= 0:
        raise where.error("repeat.every", f'"{repeat.every}" must be a positive offset, e.g. 3mo')
    if repeat.until is None:
        return  # open-ended: expansion stops at MAX_OCCURRENCES
    span = repeat.until.approx_hours() - offset.approx_hours()
    if span < 0:
        raise where.error(
            "repeat.until", f'"{repeat.until}" comes before the step\'s offset "{offset}"'
        )
    if span / repeat.every.approx_hours() + 1 > MAX_OCCURRENCES:
        raise where.error(
            "repeat", f"repeats more than {MAX_OCCURRENCES} times; use a longer every or until"
        )
