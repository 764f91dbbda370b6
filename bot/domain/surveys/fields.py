"""Coerce and check the fields of survey files, raising SurveyErrors."""

from __future__ import annotations

import re
from collections.abc import Hashable
from typing import TypeVar

from bot.domain import data_files
from bot.domain.surveys.errors import Where
from bot.domain.surveys.model import MAX_LENGTH_LIMIT, SKIP_VALUE, Action, Measure

_T = TypeVar("_T", bound=Hashable)

SURVEY_KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
QUESTION_KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,31}$")  # survey_answers.question: 32
VALUE_PATTERN = re.compile(r"^[a-z0-9_]{1,16}$")
PLAN_KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
TEMPLATE_PATTERN = data_files.TEMPLATE_PATTERN


def as_key(raw: object, where: Where, name: str, pattern: re.Pattern[str], longest: int) -> str:
    """Return an identifier matching `pattern`."""
    text = data_files.as_text(raw, where, name)
    if not pattern.match(text):
        raise where.error(
            name,
            f'"{text}" is not a valid key; use a-z, 0-9 and _, starting with a letter, '
            f"at most {longest} characters",
        )
    return text


def as_value(raw: object, where: Where, name: str) -> str:
    """Return an answer value; YAML's bare yes/no (true/false) count as "yes"/"no"."""
    if isinstance(raw, bool):
        return "yes" if raw else "no"
    text = str(raw).strip() if isinstance(raw, str | int) else None
    if text is None or not VALUE_PATTERN.match(text):
        shown = data_files.type_name(raw) if text is None else f'"{text}"'
        raise where.error(name, f"{shown} is not a valid value; use 1 to 16 of a-z, 0-9 and _")
    if text == SKIP_VALUE:
        raise where.error(name, f'"{SKIP_VALUE}" is reserved for the skip button')
    return text


def as_template(raw: object, where: Where, name: str) -> str:
    """Return a template key such as `surveys/checkin_first/condition`."""
    return data_files.as_template(raw, where, name, "surveys/checkin_first/condition")


def as_actions(raw: object, where: Where, name: str) -> tuple[Action, ...]:
    """Return a list of distinct actions."""
    actions = tuple(
        data_files.as_choice(item, where, name, Action)
        for item in data_files.as_list(raw, where, name)
    )
    return unique(actions, where, name)


def unique(items: tuple[_T, ...], where: Where, name: str) -> tuple[_T, ...]:
    """Refuse an item listed twice."""
    if len(set(items)) != len(items):
        raise where.error(name, "an item is listed twice")
    return items


def as_measure(raw: object, where: Where) -> Measure | None:
    """Return what a question measures, or None when absent."""
    return None if raw is None else data_files.as_choice(raw, where, "measure", Measure)


def as_max_length(raw: object, where: Where) -> int:
    """Return a free-text length limit within 1 and MAX_LENGTH_LIMIT."""
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise where.error("max_length", f"expected a whole number, got {data_files.type_name(raw)}")
    if not 1 <= raw <= MAX_LENGTH_LIMIT:
        raise where.error("max_length", f"must be 1 to {MAX_LENGTH_LIMIT}")
    return raw
