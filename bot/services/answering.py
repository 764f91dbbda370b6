"""Answering a check-in survey on any channel: a chosen choice or typed text is checked
against the open question, stored with what it sets in motion in one unit of work, and the
next question (or the thanks) is sent on the chat's channel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.choices import decode_survey
from bot.domain.schedule import next_send_time
from bot.domain.surveys.answers import AnswerError, skip_answer, validate_answer
from bot.domain.surveys.engine import actions_for, next_question
from bot.domain.surveys.model import (
    RESCHEDULED_TEMPLATE,
    RESPONDENTS,
    SKIP_VALUE,
    Action,
    Question,
    QuestionType,
    SurveyContext,
)
from bot.domain.surveys.rescheduling import reschedule_target, typed_time
from bot.domain.surveys.status import SurveyStatus
from bot.services.asking import ask_next, open_question, survey_variables
from bot.services.container import Services
from bot.services.messaging import say
from bot.services.steps import mark_step_answered, reschedule_step
from bot.services.survey_actions import Opened, Shown, announce, open_cases
from bot.services.understanding import not_understood, noted, understood
from bot.storage.surveys import SurveySession

RESPONDENT_QUESTION = "respondent"
TYPED_TIME_TALLY = "typed_time"  # the stored value of a call-back time typed by the patient


@dataclass(frozen=True)
class Answer:
    """An answer read and checked against the open question, not yet stored."""

    session: SurveySession
    question: Question
    value: str
    earlier: dict[str, str]  # the session's answers before this one
    typed: bool = False  # read from typed words: the next question says how it was read


@dataclass(frozen=True)
class Stored:
    """What storing an answer decided: the next question, and the cases it opened."""

    following: Question | None
    send_again_at: datetime | None  # the patient asked for another time
    opened: list[Opened]


async def read_choice(services: Services, chat_id: int, choice_id: str) -> Answer | None:
    """Return the answer a chosen choice gives the chat's open question; None if stale."""
    parsed = decode_survey(choice_id)
    found = await services.store.surveys.with_answers(parsed[0]) if parsed else None
    session = found.session if found else None
    question = open_question(services, session, chat_id)
    if parsed is None or found is None or question is None or question.key != parsed[1]:
        return None
    try:
        if parsed[2] == SKIP_VALUE:
            return Answer(found.session, question, skip_answer(question), found.answers)
        return Answer(found.session, question, validate_answer(question, parsed[2]), found.answers)
    except AnswerError:
        return None


async def answer_text(services: Services, session: SurveySession, text: str) -> None:
    """Take typed text as the answer: free text as written, a choice, score or time as read
    (bot.services.understanding); what is not understood is asked again, then passed on."""
    question = open_question(services, session, session.chat_id)
    if question is None:
        return
    if question.type is QuestionType.FREE_TEXT:
        try:
            value = validate_answer(question, text)
        except AnswerError as error:
            await say(services, session.chat_id, error.template, limit=error.limit or 0)
            return
        earlier = await services.store.surveys.answers(session.id)
        await advance(services, Answer(session, question, value, earlier))
        return
    read = understood(services, session, question, text)
    if read is None:
        await not_understood(services, session, question, text)
        return
    earlier = await services.store.surveys.answers(session.id)
    await advance(services, Answer(session, question, read, earlier, typed=True))


async def advance(services: Services, answer: Answer) -> None:
    """Store the answer and what it opens, tell staff, then ask the next question or thank."""
    session = answer.session
    answers = {**answer.earlier, answer.question.key: answer.value}
    variables = survey_variables(services, session, answers)
    shown = _shown(services, answer, variables)
    stored = await _store(services, answer, answers, shown)
    if stored is None:
        await say(services, session.chat_id, "surveys/common/closed")
        return
    await announce(services, session, stored.opened, shown)
    if stored.send_again_at is not None:
        when = f"{stored.send_again_at.astimezone(services.scheduling.zone):%m-%d %H:%M}"
        await say(services, session.chat_id, RESCHEDULED_TEMPLATE, when=when)
        return
    lead = noted(services, session, answer.question, answer.value) if answer.typed else None
    await ask_next(services, session, stored.following, variables, lead)


async def _store(
    services: Services, answer: Answer, answers: dict[str, str], shown: Shown
) -> Stored | None:
    """Store the answer, the cases it opens and the step's new state in one unit of work."""
    session, question, value = answer.session, answer.question, answer.value
    now, actions = services.clock.now(), actions_for(question, value)
    rescheduling = Action.RESCHEDULE in actions
    send_again_at = _rescheduled_at(services, session, value) if rescheduling else None
    respondent = answers.get(RESPONDENT_QUESTION, session.respondent)
    context = SurveyContext(session.plan_key or "", respondent, session.flags)
    following = next_question(services.scheduling.surveys[session.survey], answers, context)
    status = (
        SurveyStatus.PAUSED
        if rescheduling
        else (SurveyStatus.OPEN if following else SurveyStatus.COMPLETED)
    )
    is_text = question.type is QuestionType.FREE_TEXT
    async with services.store.unit_of_work() as uow:
        if question.key == RESPONDENT_QUESTION and value in RESPONDENTS:
            await uow.surveys.set_respondent(session.id, value)
        next_key = following.key if following else None
        stored_value, text = ("text", value) if is_text else (value, None)
        if typed_time(value) is not None:  # the time as text, so tallies count one value
            stored_value, text = TYPED_TIME_TALLY, value
        if not await uow.surveys.record_answer(
            session, question.key, stored_value, text, now, next_key, status
        ):
            return None
        opened = await open_cases(uow, services, session, question, value, actions, shown)
        if send_again_at is not None and session.message_id is not None:
            await reschedule_step(uow, session.message_id, send_again_at, now)
        elif session.message_id is not None:
            await mark_step_answered(uow, session.message_id, now)
    return Stored(following, send_again_at, opened)


def _rescheduled_at(services: Services, session: SurveySession, value: str) -> datetime:
    scheduling = services.scheduling
    target = reschedule_target(value, services.clock.now(), scheduling.zone)
    return next_send_time(target, scheduling.policy, spread_key=session.id)


def _shown(services: Services, answer: Answer, variables: dict[str, object]) -> Shown:
    """What staff see of the question and answer: in the hospital's language."""
    renderer, locale = services.renderer, services.locale
    option, typed = answer.question.option(answer.value), typed_time(answer.value)
    label = answer.value if option is None else renderer.render(option.label, locale)
    if typed is not None:
        label = f"{typed.astimezone(services.scheduling.zone):%m-%d %H:%M}"
    return Shown(renderer.render(answer.question.text, locale, **variables), label)
