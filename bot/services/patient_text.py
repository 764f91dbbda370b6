"""What a patient types outside a button, on any channel: danger and deaths first (in any
state), then the open dialog's step, the open question's answer, or a message for staff."""

from __future__ import annotations

from bot.domain.patient_messages import PatientMessage, PatientMessageKind
from bot.domain.surveys.status import SurveyStatus
from bot.services import complaint_dialog, visit_dates
from bot.services.answering import answer_text
from bot.services.container import Services
from bot.services.inbox import take_patient_message
from bot.services.messaging import say
from bot.services.triage_actions import take_alarming_text
from bot.storage.surveys import SurveySession


async def take_patient_text(services: Services, chat_id: int, text: str) -> None:
    """Act on danger or a death at once; else route the text to whatever waits for it."""
    if not await take_alarming_text(services, chat_id, text):
        await take_ordinary_text(services, chat_id, text)


async def take_ordinary_text(services: Services, chat_id: int, text: str) -> None:
    """Route triaged text: the complaint dialog, the re-examination date question, the open
    question, else staff (recorded)."""
    store = services.store
    state = await store.dialogs.get(chat_id)
    if state is not None and state.kind == complaint_dialog.DIALOG_KIND:
        await complaint_dialog.take_case_text(services, state, text)
    elif state is not None and state.kind == visit_dates.DIALOG_KIND:
        await visit_dates.take_typed_date(services, state, text)
    elif state is not None:  # a dialog this channel answers with its buttons or options
        await say(services, chat_id, "common/use_buttons")
    elif text and (survey := await open_survey(services, chat_id)):
        await answer_text(services, survey, text)
    else:
        await take_patient_message(services, chat_id, PatientMessage(PatientMessageKind.TEXT, text))


async def open_survey(services: Services, chat_id: int) -> SurveySession | None:
    """Return the survey open in a chat, if any."""
    sessions = await services.store.surveys.open_for_chat(chat_id)
    return next((s for s in sessions if s.status == SurveyStatus.OPEN), None)
