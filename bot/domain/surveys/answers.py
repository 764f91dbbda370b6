"""Check a patient's reply against its question: choices, 0-10 scores and free text."""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

from bot.domain.surveys.model import (
    NOT_A_NUMBER_TEMPLATE,
    SCALE_MAX,
    SCALE_MIN,
    SKIPPED,
    TOO_LONG_TEMPLATE,
    TYPE_ANSWER_TEMPLATE,
    USE_BUTTONS_TEMPLATE,
    Question,
    QuestionType,
)

NUMBER_PATTERN = re.compile(r"^[+-]?\d+$")
MAX_SCORE_CHARS = 8  # longer digit strings are out of range without converting them
LINE_BREAKS = re.compile(r"\r\n?|[\x85\u2028\u2029]")
EXTRA_BLANK_LINES = re.compile(r"\n{3,}")


class AnswerCode(StrEnum):
    NOT_AN_OPTION = "not_an_option"
    NOT_A_NUMBER = "not_a_number"
    OUT_OF_RANGE = "out_of_range"
    EMPTY = "empty"
    TOO_LONG = "too_long"


ANSWER_ERROR_TEMPLATES: dict[AnswerCode, str] = {
    AnswerCode.NOT_AN_OPTION: USE_BUTTONS_TEMPLATE,
    AnswerCode.NOT_A_NUMBER: NOT_A_NUMBER_TEMPLATE,
    AnswerCode.OUT_OF_RANGE: NOT_A_NUMBER_TEMPLATE,
    AnswerCode.EMPTY: TYPE_ANSWER_TEMPLATE,
    AnswerCode.TOO_LONG: TOO_LONG_TEMPLATE,
}


class AnswerError(ValueError):
    """An answer that does not fit its question; `code` names why, `limit` the length limit."""

    def __init__(self, code: AnswerCode, limit: int | None = None) -> None:
        self.code = code
        self.limit = limit
        super().__init__(code.value)

    @property
    def template(self) -> str:
        """Return the template key that tells the patient what to do."""
        return ANSWER_ERROR_TEMPLATES[self.code]


def validate_answer(question: Question, raw: str) -> str:
    """Return the answer to store for a raw reply, or raise AnswerError."""
    if question.type is QuestionType.FREE_TEXT:
        return _free_text(question, raw)
    if question.type is QuestionType.SCALE:
        return _scale(raw)
    value = raw.strip()
    if question.option(value) is None:
        raise AnswerError(AnswerCode.NOT_AN_OPTION)
    return value


def skip_answer(question: Question) -> str:
    """Return the stored answer for the skip button, or raise AnswerError when required."""
    if question.required:
        raise AnswerError(AnswerCode.EMPTY)
    return SKIPPED


def _scale(raw: str) -> str:
    """Return a 0-10 score as digits, accepting full-width digits and a sign."""
    text = unicodedata.normalize("NFKC", raw).strip()
    if not NUMBER_PATTERN.match(text):
        raise AnswerError(AnswerCode.NOT_A_NUMBER)
    if len(text) > MAX_SCORE_CHARS or not SCALE_MIN <= int(text) <= SCALE_MAX:
        raise AnswerError(AnswerCode.OUT_OF_RANGE)
    return str(int(text))


def _free_text(question: Question, raw: str) -> str:
    """Return typed text cleaned of control characters, within the length limit."""
    text = clean_text(raw)
    if not text:
        if question.required:
            raise AnswerError(AnswerCode.EMPTY)
        return SKIPPED
    if len(text) > question.max_length:
        raise AnswerError(AnswerCode.TOO_LONG, limit=question.max_length)
    return text


def clean_text(raw: str) -> str:
    """Return text with line breaks unified, tabs as spaces, other control characters gone."""
    text = LINE_BREAKS.sub("\n", raw).replace("\t", " ")
    kept = "".join(c for c in text if c == "\n" or unicodedata.category(c) != "Cc")
    return EXTRA_BLANK_LINES.sub("\n\n", kept).strip()
