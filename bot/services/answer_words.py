"""An answer in words: the question as the survey asks it and the answer as its button reads.

Rendered with the survey's own templates, in the reader's language; nothing here shows a code.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.surveys.model import SKIP_LABEL, SKIPPED, QuestionType, Survey
from bot.domain.telegram_html import HtmlRefused, visible_text
from bot.templating import Renderer

NOT_IN_SURVEY = "export/not_in_survey"
RESPONDENT = "staff/who_raised"


@dataclass(frozen=True)
class AnsweredQuestion:
    """A stored answer, as the storage keeps it (codes), with who gave it."""

    survey: str
    question: str
    value: str
    text: str | None
    respondent: str
    relation: str | None
    patient_name: str
    department: str


@dataclass(frozen=True)
class AnswerWords:
    survey: str
    question: str
    answer: str
    respondent: str


def answer_words(
    renderer: Renderer,
    locale: str,
    surveys: dict[str, Survey],
    hospital: str,
    answered: AnsweredQuestion,
) -> AnswerWords:
    """Return the survey's name, the question's first line, the answer and who gave it."""
    unknown = renderer.render(NOT_IN_SURVEY, locale)
    survey = surveys.get(answered.survey)
    question = survey.question(answered.question) if survey else None
    who = renderer.render(
        RESPONDENT, locale, respondent=answered.respondent, relation=answered.relation
    )
    if survey is None or question is None:
        name = survey.names.get(locale, unknown) if survey else unknown
        return AnswerWords(name, unknown, answered.text or unknown, who)
    asked = renderer.render(
        question.text,
        locale,
        hospital=hospital,
        department=answered.department,
        patient_name=answered.patient_name,
        respondent=answered.respondent,
    )
    return AnswerWords(
        survey.names.get(locale, unknown),
        _first_line(asked),
        _answer(renderer, locale, survey, answered) or unknown,
        who,
    )


def _answer(renderer: Renderer, locale: str, survey: Survey, answered: AnsweredQuestion) -> str:
    """The answer as the person saw or typed it: a button's label, a score, their words."""
    question = survey.question(answered.question)
    assert question is not None
    if answered.text:
        return answered.text
    if answered.value == SKIPPED:
        return renderer.render(SKIP_LABEL, locale)
    if question.type is QuestionType.SCALE:
        return answered.value
    option = question.option(answered.value)
    return renderer.render(option.label, locale) if option else ""


def _first_line(html: str) -> str:
    try:
        words = visible_text(html)
    except HtmlRefused:
        words = html
    return next((line.strip() for line in words.splitlines() if line.strip()), "")
