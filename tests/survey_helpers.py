"""Helpers for the survey tests: the shipped surveys, walking them, survey files to load."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from bot.domain.surveys.engine import next_question
from bot.domain.surveys.errors import SurveyError
from bot.domain.surveys.loader import load_surveys
from bot.domain.surveys.model import Question, QuestionType, Survey, SurveyContext
from bot.templating import MESSAGES_DIR
from tests.plan_files import BOOK, template_exists

SHANGHAI = ZoneInfo("Asia/Shanghai")
SURVEYS_DIR = MESSAGES_DIR / "surveys"
ALLOWED_TAGS = {"b", "i", "u", "s", "a", "code", "pre", "blockquote"}
TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)")
PLAN_QUESTIONS = {
    "general": [],
    "post_surgery": ["wound"],
    "pneumoconiosis": ["breathing"],
    "gynaecology": ["gyn_bleeding"],
    "chronic": ["home_monitoring"],
}

FORBIDDEN_ZH = ("你", "必须", "不知道", "不清楚", "不了解", "喂", "你错了", "没办法", "不客气")
CALM = {"new_symptoms": "no", "doctor_question": "no", "anything_else": "no_thanks"}
VARIABLES = {"hospital": "市第一人民医院", "department": "心内科", "patient_name": "王建国"}

SURVEYS = load_surveys(SURVEYS_DIR, template_exists, set(BOOK.plans))
FIRST = SURVEYS["checkin_first"]
SHORT = SURVEYS["checkin_short"]


def shanghai(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """Return a Shanghai wall-clock time as an aware UTC datetime."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


def q(survey: Survey, key: str) -> Question:
    """Return a question that must exist."""
    question = survey.question(key)
    assert question is not None, key
    return question


def condition_values(question: Question) -> tuple[str, ...]:
    """Return the values of a question's condition, which must exist."""
    assert question.condition is not None
    return question.condition.values


def walk(
    survey: Survey, context: SurveyContext, choices: Mapping[str, str] | None = None
) -> tuple[list[str], dict[str, str]]:
    """Answer questions until the survey is done: `choices` first, else a calm default."""
    choices = {**CALM, **(choices or {})}
    answers: dict[str, str] = {}
    asked: list[str] = []
    while (question := next_question(survey, answers, context)) is not None:
        assert question.key not in asked, f"{question.key} asked twice"
        asked.append(question.key)
        answers[question.key] = choices.get(question.key) or _calm(question)
    return asked, answers


def _calm(question: Question) -> str:
    """Return the first option, 10 for a scale, or some text."""
    if question.type is QuestionType.SCALE:
        return "10"
    if question.type is QuestionType.FREE_TEXT:
        return "谢谢"
    return question.options[0].value


# ---------------------------------------------------------------- loading errors

Data = dict[str, Any]


def base() -> Data:
    """Return a small valid survey as data."""
    return {
        "key": "demo",
        "names": {"zh_CN": "演示", "en": "Demo"},
        "questions": [
            {
                "key": "mood",
                "type": "single_choice",
                "text": "t/mood",
                "options": [
                    {"value": "good", "label": "l/good"},
                    {"value": "bad", "label": "l/bad", "actions": ["red_flag"]},
                ],
            },
            {
                "key": "why",
                "type": "free_text",
                "text": "t/why",
                "condition": {"question": "mood", "values": ["bad"]},
            },
        ],
    }


def write(folder: Path, data: Data | str, name: str = "demo") -> Path:
    """Write a survey file (data as YAML, or raw text) and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
    path = folder / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def load(
    tmp_path: Path,
    data: Data | str,
    exists: Callable[[str], bool] = lambda key: True,
    plan_keys: set[str] | None = None,
) -> dict[str, Survey]:
    """Load one survey from a temporary folder."""
    write(tmp_path / "surveys", data)
    return load_surveys(tmp_path / "surveys", exists, plan_keys)


def failure(tmp_path: Path, data: Data | str, **kwargs: Any) -> SurveyError:
    """Return the SurveyError loading this survey raises."""
    with pytest.raises(SurveyError) as caught:
        load(tmp_path, data, **kwargs)
    return caught.value


def changed(change: Callable[[Data], object]) -> Data:
    """Return the base survey after `change`."""
    data = copy.deepcopy(base())
    change(data)
    return data


def mood(data: Data) -> Data:
    question: Data = data["questions"][0]
    return question


def add(question: Data) -> Callable[[Data], object]:
    """Return a change appending a question."""
    return lambda data: data["questions"].append(question)
