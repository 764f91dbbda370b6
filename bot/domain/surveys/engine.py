"""The survey engine: which question applies next and what an answer sets off."""

from __future__ import annotations

from collections.abc import Mapping

from bot.domain.plans.model import has_flag
from bot.domain.surveys.model import (
    RESPONDENT_QUESTION,
    RESPONDENTS,
    SKIPPED,
    Action,
    Question,
    QuestionType,
    Survey,
    SurveyContext,
)
from bot.domain.surveys.rescheduling import typed_time


def effective_respondent(answers: Mapping[str, str], context: SurveyContext) -> str:
    """Return who is answering: the `respondent` question's answer, else the context's."""
    answered = answers.get(RESPONDENT_QUESTION)
    return answered if answered in RESPONDENTS else context.respondent


def applies(question: Question, answers: Mapping[str, str], context: SurveyContext) -> bool:
    """Say whether a question is to be asked given its condition, plans and respondents."""
    if (question.plans or question.flags) and not _for_this_patient(question, context):
        return False
    if question.respondents and effective_respondent(answers, context) not in question.respondents:
        return False
    condition = question.condition
    return condition is None or answers.get(condition.question) in condition.values


def _for_this_patient(question: Question, context: SurveyContext) -> bool:
    """Say whether the patient's plan or one of their 特殊标记 brings a limited question in."""
    if context.plan in question.plans:
        return True
    return any(has_flag(context.flags, flag) for flag in question.flags)


def next_question(
    survey: Survey, answers: Mapping[str, str], context: SurveyContext
) -> Question | None:
    """Return the first unanswered question that applies; None when complete or ended."""
    for question in survey.questions:
        if not applies(question, answers, context):
            continue
        if question.key not in answers:
            return question
        if Action.END in actions_for(question, answers[question.key]):
            return None
    return None


def is_complete(survey: Survey, answers: Mapping[str, str], context: SurveyContext) -> bool:
    """Say whether nothing is left to ask."""
    return next_question(survey, answers, context) is None


def actions_for(question: Question, answer: str) -> tuple[Action, ...]:
    """Return the actions an answer triggers (none for skipped or unknown answers)."""
    if answer == SKIPPED:
        return ()
    if question.type is QuestionType.FREE_TEXT:
        return question.actions_on_text
    if question.type is QuestionType.SCALE:
        score = int(answer) if answer.isdecimal() and len(answer) <= 2 else None
        found = next(
            (r for r in question.scale_actions if score is not None and r.contains(score)), None
        )
        return found.actions if found is not None else ()
    if question.type is QuestionType.PICK_TIME and typed_time(answer) is not None:
        return (Action.RESCHEDULE,)
    option = question.option(answer)
    return option.actions if option is not None else ()
