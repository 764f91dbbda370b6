"""Checks that tie the fields of a question, or the questions of a survey, together."""

from __future__ import annotations

from collections.abc import Callable

from bot.domain import data_files
from bot.domain.surveys.callbacks import check_budget
from bot.domain.surveys.errors import Where
from bot.domain.surveys.model import (
    RESPONDENT_QUESTION,
    RESPONDENTS,
    SATISFACTION_MEASURES,
    SATISFACTION_VALUES,
    SURVEY_LOCALES,
    Action,
    Measure,
    Question,
    QuestionType,
    Survey,
)


def check_question(question: Question, where: Where) -> None:
    """Check the rules that tie a question's fields together."""
    if Action.RESCHEDULE in question.actions_on_text:
        raise where.error("actions_on_text", "only pick_time options can reschedule")
    if question.key == RESPONDENT_QUESTION:
        _check_respondent_question(question, where)
    if question.measure in SATISFACTION_MEASURES and question.values() != SATISFACTION_VALUES:
        raise where.error(
            "measure",
            "satisfaction questions are single_choice with options "
            + ", ".join(SATISFACTION_VALUES),
        )
    if question.measure is Measure.NPS and question.type is not QuestionType.SCALE:
        raise where.error("measure", "nps questions are scale questions")
    check_budget(question, where)


def _check_respondent_question(question: Question, where: Where) -> None:
    """Check the question whose answer says who is answering."""
    if question.type is not QuestionType.SINGLE_CHOICE or not set(question.values()) <= set(
        RESPONDENTS
    ):
        raise where.error(
            "options",
            f"the respondent question is single_choice with options {', '.join(RESPONDENTS)}",
        )
    if question.respondents and tuple(question.respondents) != ("family",):
        raise where.error(
            "respondents",
            "the respondent question is asked of everyone, or of family contacts only"
            " ([family]: a patient who enrolled themself is not asked again)",
        )


def check_measures(questions: tuple[Question, ...], where: Where) -> None:
    """Refuse a measure used by two questions of one survey."""
    seen: dict[Measure, str] = {}
    for question in questions:
        if question.measure is None:
            continue
        if question.measure in seen:
            raise Where(where.file, question.key).error(
                "measure",
                f'"{question.measure}" is already measured by question {seen[question.measure]}',
            )
        seen[question.measure] = question.key


def check_templates(survey: Survey, where: Where, template_exists: Callable[[str], bool]) -> None:
    """Refuse template keys that have no template in every locale."""
    survey_level = [
        ("intro", survey.intro),
        ("thanks", survey.thanks),
        ("red_flag", survey.red_flag),
    ]
    for name, key in survey_level:
        if key is not None and not template_exists(key):
            raise where.error(name, data_files.missing_template(key, SURVEY_LOCALES))
    for question in survey.questions:
        at = Where(where.file, question.key)
        if not template_exists(question.text):
            raise at.error("text", data_files.missing_template(question.text, SURVEY_LOCALES))
        for number, option in enumerate(question.options, start=1):
            if not template_exists(option.label):
                raise at.error(
                    f"options[{number}].label",
                    data_files.missing_template(option.label, SURVEY_LOCALES),
                )
