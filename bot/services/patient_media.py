"""Anything but text from a patient's chat, on any channel: a caption is triaged as typed
words are; in the complaint dialog a photo is the complaint's; otherwise it is relayed to
staff, recorded and acknowledged (bot.services.inbox). Nothing is silently dropped."""

from __future__ import annotations

from bot.domain.dialogs import DialogKind, DialogStep
from bot.domain.patient_messages import PatientMessage
from bot.domain.patient_messages import PatientMessageKind as Kind
from bot.services import complaint_dialog
from bot.services.container import Services
from bot.services.inbox import take_patient_message
from bot.services.messaging import say
from bot.services.triage_actions import take_alarming_text

NOT_NOW_DIALOGS = (DialogKind.ENROL, DialogKind.TEMPLATE)  # they wait for typed words


async def take_patient_media(services: Services, chat: int, message: PatientMessage) -> None:
    """Take a photo, voice note, file… from a chat: triage its caption, then give it to the
    complaint dialog, decline it while a dialog waits for words, or relay it to staff."""
    state = await services.store.dialogs.get(chat)
    if message.text and not (state and state.kind == DialogKind.TEMPLATE):
        await take_alarming_text(services, chat, message.text)  # "伤口流血不止"
    is_photo = message.kind is Kind.PHOTO
    if state and state.kind == DialogKind.CASE and is_photo and state.step == DialogStep.TEXT:
        await complaint_dialog.take_case_text(services, state, message.text, message.file_id)
    elif state and state.kind in NOT_NOW_DIALOGS:
        await say(services, chat, "inbox/media_not_now")
    else:
        await take_patient_message(services, chat, message)
