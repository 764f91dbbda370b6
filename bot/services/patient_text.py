"""What a patient types outside a button, on any channel: the open dialog's step, the open
question's answer, a message for the staff working their case, or a polite "not understood"."""

from __future__ import annotations

from bot.domain.surveys.status import SurveyStatus
from bot.services import complaint_dialog
from bot.services.answering import answer_text
from bot.services.case_replies import open_case_of_chat, relay_to_staff
from bot.services.container import Services
from bot.services.messaging import say
from bot.storage.surveys import SurveySession


async def take_patient_text(services: Services, chat_id: int, text: str) -> None:
    """Route typed text to whatever in the chat is waiting for it."""
    store = services.store
    state = await store.dialogs.get(chat_id)
    if state is not None and state.kind == complaint_dialog.DIALOG_KIND:
        await complaint_dialog.take_case_text(services, state, text)
    elif state is not None:  # a dialog this channel answers with its buttons or options
        await say(services, chat_id, "common/use_buttons")
    elif text and (survey := await open_survey(services, chat_id)):
        await answer_text(services, survey, text)
    elif text and (case := await open_case_of_chat(services, chat_id)):
        await relay_to_staff(services, case, chat_id, text)
    else:
        await say(services, chat_id, "common/not_understood")


async def open_survey(services: Services, chat_id: int) -> SurveySession | None:
    """Return the survey open in a chat, if any."""
    sessions = await services.store.surveys.open_for_chat(chat_id)
    return next((s for s in sessions if s.status == SurveyStatus.OPEN), None)
