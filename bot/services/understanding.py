"""Typed replies to survey questions on any channel: read against the open question; when not
understood, asked again once with the options numbered, then passed to a person."""

from __future__ import annotations

import functools
from pathlib import Path

from markupsafe import Markup

from bot.domain.cases import CaseKind, CaseSource
from bot.domain.channel_messages import Outgoing
from bot.domain.surveys.model import (
    SKIP_LABEL,
    SKIPPED,
    SURVEY_LOCALES,
    Question,
    QuestionType,
)
from bot.domain.surveys.rescheduling import offered_options
from bot.domain.understanding.lexicon import Lexicon, load_lexicon
from bot.domain.understanding.reading import Asked, read_reply
from bot.services.asking import session_locale, survey_variables
from bot.services.case_replies import SHOWN_TEXT, open_case_of_chat, relay_to_staff
from bot.services.cases import patient_case
from bot.services.container import Services
from bot.services.messaging import chat_address, say, tell
from bot.services.planning import LEXICON_DIR
from bot.services.survey_questions import question_choices
from bot.storage.surveys import SurveySession

ASK_AGAIN = "understanding/ask_again"
ASK_AGAIN_SCALE = "understanding/ask_again_scale"
PASSED_ON = "understanding/passed_on"
NOTED = "understanding/noted"
CASE_TEXT = "understanding/case_text"
MISREADS_BEFORE_A_PERSON = 2  # the first time the question is asked again, numbered


@functools.cache
def lexicon(folder: Path = LEXICON_DIR) -> Lexicon:
    """Return the words patients type for each answer (read once)."""
    return load_lexicon(folder)


def asked(services: Services, session: SurveySession, question: Question) -> Asked:
    """Return the open question as the patient saw it, with its labels in every language."""
    now, zone, renderer = services.clock.now(), services.scheduling.zone, services.renderer
    offered = offered_options(question, now, zone)
    labels = {
        option.value: tuple(renderer.render(option.label, locale) for locale in SURVEY_LOCALES)
        for option in offered
    }
    return Asked(session.survey, question, offered, labels, now, zone)


def understood(
    services: Services, session: SurveySession, question: Question, text: str
) -> str | None:
    """Return the answer a typed reply gives the open question, None if not understood."""
    return read_reply(asked(services, session, question), text, lexicon())


def noted(services: Services, session: SurveySession, question: Question, value: str) -> str:
    """Return "noted: <the answer as read>" in the chat's language, to lead the next question."""
    locale = session_locale(services, session)
    option = question.option(value)
    label = SKIP_LABEL if value == SKIPPED else (option.label if option else None)
    answer = value if label is None else services.renderer.render(label, locale)
    return services.renderer.render(NOTED, locale, answer=answer)


async def not_understood(
    services: Services, session: SurveySession, question: Question, text: str
) -> None:
    """Ask again with the options numbered the first time; later pass the words to a person."""
    count = await services.store.surveys.note_misread(
        session.id, question.key, services.clock.now()
    )
    if count == 0:
        await say(services, session.chat_id, "surveys/common/closed")
    elif count < MISREADS_BEFORE_A_PERSON:
        await _ask_again(services, session, question)
    elif count > MISREADS_BEFORE_A_PERSON and (
        case := await open_case_of_chat(services, session.chat_id)
    ):
        await relay_to_staff(services, case, session.chat_id, text)
    else:
        await _pass_to_person(services, session, question, text)


async def _ask_again(services: Services, session: SurveySession, question: Question) -> None:
    """Say the reply was not understood and show the options again, numbered (with buttons)."""
    locale = session_locale(services, session)
    renderer, now, zone = services.renderer, services.clock.now(), services.scheduling.zone
    answers = await services.store.surveys.answers(session.id)
    variables = survey_variables(services, session, answers)
    scale = question.type is QuestionType.SCALE
    options = [renderer.render(o.label, locale) for o in offered_options(question, now, zone)]
    address = await chat_address(services.store, session.chat_id)
    text = renderer.render(
        renderer.for_channel(ASK_AGAIN_SCALE if scale else ASK_AGAIN, address.channel, locale),
        locale,
        question=Markup(renderer.render(question.text, locale, **variables)),
        options=options,
    )
    choices = question_choices(renderer, locale, session.id, question, now, zone)
    await tell(services, session.chat_id, Outgoing(text, choices, numbered=not scale))


async def _pass_to_person(
    services: Services, session: SurveySession, question: Question, text: str
) -> None:
    """Open a question case with the patient's own words and tell the patient who answers."""
    contact = await services.store.contacts.get(session.contact_id)
    if contact is None:
        return
    answers = await services.store.surveys.answers(session.id)
    variables = survey_variables(services, session, answers)
    renderer, locale = services.renderer, services.locale
    asked_text = Markup(renderer.render(question.text, locale, **variables)).striptags()
    words = text[:SHOWN_TEXT]  # the card must fit one message
    case_text = renderer.render(CASE_TEXT, locale, question=asked_text, text=words)
    new = patient_case(
        services, contact, CaseKind.QUESTION, case_text, "", None, CaseSource.SURVEY, session.id
    )
    case = await services.store.cases.open(new, services.clock.now())
    services.staff_lane.defer(lambda: services.staff_desk.post_case(case), case_id=case.id)
    await say(services, session.chat_id, PASSED_ON, number=case.id)
