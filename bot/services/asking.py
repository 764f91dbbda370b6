"""Asking a survey's questions on any channel: the open question, the next one, the thanks."""

from __future__ import annotations

from bot.domain.channel_messages import Outgoing
from bot.domain.languages import effective_locale
from bot.domain.surveys.model import RESUMED_TEMPLATE, Question
from bot.domain.surveys.status import SurveyStatus
from bot.services.container import Services
from bot.services.messaging import say_in, tell
from bot.services.survey_questions import question_choices, question_text, question_variables
from bot.storage.surveys import SurveySession


def open_question(
    services: Services, session: SurveySession | None, chat_id: int
) -> Question | None:
    """Return the question a chat's session waits on, if the session is open in that chat."""
    if session is None or session.chat_id != chat_id or session.status != SurveyStatus.OPEN:
        return None
    survey = services.scheduling.surveys.get(session.survey)
    if survey is None or session.current_question is None:
        return None
    return survey.question(session.current_question)


def survey_variables(
    services: Services, session: SurveySession, answers: dict[str, str]
) -> dict[str, object]:
    """Return what the session's question templates receive."""
    hospital = services.settings.require_hospital_name()
    return question_variables(session, answers, hospital, session.department, session.patient_name)


def session_locale(services: Services, session: SurveySession) -> str:
    """Return the language to write to the session's chat in (read with the session)."""
    return effective_locale(session.locale, services.settings.locale)


async def ask_next(
    services: Services,
    session: SurveySession,
    following: Question | None,
    variables: dict[str, object],
    lead: str | None = None,
) -> None:
    """Ask the following question (after an optional lead), or thank the patient."""
    if following is None:
        thanks = services.scheduling.surveys[session.survey].thanks
        await say_in(services, session_locale(services, session), session.chat_id, thanks)
        return
    await send_question(services, session, following, variables, lead)


async def ask_current_question(services: Services, session: SurveySession) -> None:
    """Ask the open question again, after a short "let us continue" (e.g. after /start)."""
    question = open_question(services, session, session.chat_id)
    if question is None:
        return
    answers = await services.store.surveys.answers(session.id)
    variables = survey_variables(services, session, answers)
    lead = services.renderer.render(
        RESUMED_TEMPLATE,
        session_locale(services, session),
        hospital=variables["hospital"],
        department=variables["department"],
    )
    await send_question(services, session, question, variables, lead)


async def send_question(
    services: Services,
    session: SurveySession,
    question: Question,
    variables: dict[str, object],
    lead: str | None = None,
) -> None:
    """Send a question with its choices in the chat's language."""
    locale = session_locale(services, session)
    renderer, now, zone = services.renderer, services.clock.now(), services.scheduling.zone
    message = Outgoing(
        question_text(renderer, locale, question, variables, lead),
        question_choices(renderer, locale, session.id, question, now, zone),
    )
    await tell(services, session.chat_id, message)
