"""A survey in chat: answers by button or text, one question after another, state in the DB."""

from __future__ import annotations

from telegram import Update

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.handlers.replies import (
    chat_locale,
    refuse_button,
    send,
    send_text,
    settle,
)
from bot.domain.choices import decode_survey
from bot.domain.schedule import next_send_time
from bot.domain.surveys.answers import AnswerError, skip_answer, validate_answer
from bot.domain.surveys.engine import actions_for, next_question
from bot.domain.surveys.model import (
    RESCHEDULED_TEMPLATE,
    RESPONDENTS,
    RESUMED_TEMPLATE,
    SKIP_VALUE,
    Action,
    Question,
    QuestionType,
    Survey,
    SurveyContext,
)
from bot.domain.surveys.rescheduling import reschedule_target
from bot.services.ports import Outgoing
from bot.services.steps import mark_step_answered, reschedule_step
from bot.services.survey_actions import Shown, run_actions
from bot.services.survey_questions import question_choices, question_text, question_variables
from bot.storage.surveys import SurveySession

TEXT_TYPES = (QuestionType.FREE_TEXT, QuestionType.SCALE)
RESPONDENT_QUESTION = "respondent"


async def on_survey_button(update: Update, context: AppContext) -> None:
    """Take a pressed answer button, if it answers the session's open question."""
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    parsed = decode_survey(query.data or "")
    session = await context.services.store.surveys.get(parsed[0]) if parsed else None
    question = _open_question(context, session, update.effective_chat.id)
    if parsed is None or session is None or question is None or question.key != parsed[1]:
        await refuse_button(context, query)
        return
    try:
        answer = (
            skip_answer(question)
            if parsed[2] == SKIP_VALUE
            else (validate_answer(question, parsed[2]))
        )
    except AnswerError:
        await refuse_button(context, query)
        return
    await settle(query)
    await advance(context, session, question, answer)


async def answer_by_text(context: AppContext, session: SurveySession, text: str) -> None:
    """Take typed text as the answer when the open question expects text (or a number)."""
    question = _open_question(context, session, session.chat_id)
    if question is None:
        return
    if question.type not in TEXT_TYPES:
        await send(context, session.chat_id, "surveys/common/use_buttons")
        return
    try:
        answer = validate_answer(question, text)
    except AnswerError as error:
        await send(context, session.chat_id, error.template, limit=error.limit or 0)
        return
    await advance(context, session, question, answer)


def _open_question(
    context: AppContext, session: SurveySession | None, chat_id: int
) -> Question | None:
    if session is None or session.chat_id != chat_id or session.status != "open":
        return None
    survey = context.services.scheduling.surveys.get(session.survey)
    if survey is None or session.current_question is None:
        return None
    return survey.question(session.current_question)


async def advance(
    context: AppContext, session: SurveySession, question: Question, answer: str
) -> None:
    """Store the answer, act on it, and ask the next question or say thanks."""
    services = context.services
    store, now = services.store, services.clock.now()
    survey = services.scheduling.surveys[session.survey]
    answers = {**await store.surveys.answers(session.id), question.key: answer}
    if question.key == RESPONDENT_QUESTION and answer in RESPONDENTS:
        await store.surveys.set_respondent(session.id, answer)
    actions = actions_for(question, answer)
    rescheduling = Action.RESCHEDULE in actions
    context_ = SurveyContext(
        session.plan_key or "", answers.get(RESPONDENT_QUESTION, session.respondent), session.flags
    )
    following = next_question(survey, answers, context_)
    status = "paused" if rescheduling else ("open" if following else "completed")
    is_text = question.type is QuestionType.FREE_TEXT
    recorded = await store.surveys.record_answer(
        session,
        question.key,
        "text" if is_text else answer,
        answer if is_text else None,
        now,
        following.key if following else None,
        status,
    )
    if not recorded:
        await send(context, session.chat_id, "surveys/common/closed")
        return
    variables = await _variables(context, session, answers)
    shown = Shown(  # what staff see of the question and answer: in the hospital's language
        services.renderer.render(question.text, services.locale, **variables),
        _answer_label(context, question, answer),
    )
    await run_actions(services, session, question, answer, actions, shown)
    if rescheduling:
        await _reschedule(context, session, answer)
        return
    if session.message_id is not None:
        await mark_step_answered(store, session.message_id, now)
    await _ask_next(context, session, survey, following, variables)


async def ask_current_question(context: AppContext, session: SurveySession) -> None:
    """Ask the open question again, after a short "let us continue" (e.g. after /start)."""
    survey = context.services.scheduling.surveys.get(session.survey)
    question = _open_question(context, session, session.chat_id)
    if survey is None or question is None:
        return
    answers = await context.services.store.surveys.answers(session.id)
    variables = await _variables(context, session, answers)
    services = context.services
    lead = services.renderer.render(
        RESUMED_TEMPLATE,
        await chat_locale(context, session.chat_id),
        hospital=variables["hospital"],
        department=variables["department"],
    )
    await _send_question(context, session, question, variables, lead)


async def _ask_next(
    context: AppContext,
    session: SurveySession,
    survey: Survey,
    following: Question | None,
    variables: dict[str, object],
) -> None:
    if following is None:
        await send(context, session.chat_id, survey.thanks)
        return
    await _send_question(context, session, following, variables)


async def _send_question(
    context: AppContext,
    session: SurveySession,
    question: Question,
    variables: dict[str, object],
    lead: str | None = None,
) -> None:
    services = context.services
    locale = await chat_locale(context, session.chat_id)
    text = question_text(services.renderer, locale, question, variables, lead)
    choices = question_choices(
        services.renderer,
        locale,
        session.id,
        question,
        services.clock.now(),
        services.scheduling.zone,
    )
    await send_text(context, session.chat_id, Outgoing(text, choices))


async def _reschedule(context: AppContext, session: SurveySession, answer: str) -> None:
    services = context.services
    now, scheduling = services.clock.now(), services.scheduling
    target = reschedule_target(answer, now, scheduling.zone)
    send_at = next_send_time(target, scheduling.policy, spread_key=session.id)
    if session.message_id is not None:
        await reschedule_step(services.store, session.message_id, send_at, now)
    when = f"{send_at.astimezone(scheduling.zone):%m-%d %H:%M}"
    await send(context, session.chat_id, RESCHEDULED_TEMPLATE, when=when)


async def _variables(
    context: AppContext, session: SurveySession, answers: dict[str, str]
) -> dict[str, object]:
    services = context.services
    episode = await services.store.episodes.get(session.episode_id)
    assert episode is not None
    return question_variables(
        session,
        answers,
        services.settings.require_hospital_name(),
        episode.department,
        episode.name,
    )


def _answer_label(context: AppContext, question: Question, answer: str) -> str:
    option = question.option(answer)
    if option is None:
        return answer
    return context.services.renderer.render(option.label, context.services.locale)
