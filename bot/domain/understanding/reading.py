"""Read a typed reply against the open question: an option's value, a 0-10 score, a call-back
time, or None ("not understood": ask again, then pass the words to a person)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.surveys.model import (
    SCALE_MAX,
    SCALE_MIN,
    SKIPPED,
    Option,
    Question,
    QuestionType,
)
from bot.domain.surveys.rescheduling import MAX_TYPED_AHEAD, typed_time_value
from bot.domain.understanding.lexicon import Lexicon, Phrase, phrase
from bot.domain.understanding.matching import exact_option, match_option
from bot.domain.understanding.numbers import read_option_number, read_score
from bot.domain.understanding.text import normalize
from bot.domain.understanding.times import read_moment


@dataclass(frozen=True)
class Asked:
    """The open question as the patient saw it: the survey, the options offered (in the order
    shown and numbered), each option's label in every language, and now."""

    survey: str
    question: Question
    offered: tuple[Option, ...]
    labels: Mapping[str, tuple[str, ...]]  # option value -> its rendered labels
    now: datetime
    zone: ZoneInfo


def read_reply(asked: Asked, raw: str, lexicon: Lexicon) -> str | None:
    """Return the answer value a typed reply gives, or None when it is not understood."""
    text = normalize(raw)
    question = asked.question
    if not text or question.type is QuestionType.FREE_TEXT:
        return None
    if question.type is QuestionType.SCALE:
        score = read_score(text, SCALE_MIN, SCALE_MAX)
        return None if score is None else str(score)
    skip_shown = 0 if question.required else 1  # numbered last, after the options
    number = read_option_number(text, len(asked.offered) + skip_shown)
    if number is not None:
        return asked.offered[number].value if number < len(asked.offered) else SKIPPED
    phrases = option_phrases(asked, lexicon)
    if question.type is QuestionType.PICK_TIME:  # "今晚8点" is 20:00, not "this evening"
        return (
            exact_option(text, phrases)
            or _typed_time(text, asked)
            or match_option(text, phrases, lexicon)
        )
    return match_option(text, phrases, lexicon)


def option_phrases(asked: Asked, lexicon: Lexicon) -> dict[str, tuple[Phrase, ...]]:
    """Return every phrase that names each offered option: its labels, the shared lexicon's
    words for its label, and the survey's own phrasings of the question."""
    key = asked.question.key
    return {
        option.value: (
            *(phrase(label) for label in asked.labels.get(option.value, ())),
            *lexicon.for_label(option.label),
            *lexicon.for_question(asked.survey, key, option.value),
        )
        for option in asked.offered
    }


def _typed_time(text: str, asked: Asked) -> str | None:
    moment = read_moment(text, asked.now, asked.zone)
    if moment is None or moment - asked.now > MAX_TYPED_AHEAD:
        return None
    return typed_time_value(moment)
