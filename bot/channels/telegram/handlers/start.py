"""/start, /help and free text in private chats."""

from __future__ import annotations

from telegram import Update

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.conversations.complaint import take_case_text
from bot.channels.telegram.conversations.consent import ask_consent
from bot.channels.telegram.conversations.enrolment import answer_identity, begin_enrolment
from bot.channels.telegram.conversations.template_edit import take_template_text
from bot.channels.telegram.handlers.replies import send
from bot.domain.dialogs import DialogKind
from bot.domain.enrolment import ConsentDecision, EnrolStep
from bot.services.asking import ask_current_question
from bot.services.patient_facts import all_stopped
from bot.services.patient_text import open_survey, take_ordinary_text
from bot.services.triage_actions import take_alarming_text


async def on_start(update: Update, context: AppContext) -> None:
    """Open an invite from a deep link, or explain where the user stands."""
    assert update.effective_chat is not None
    if context.args:
        await begin_enrolment(update, context, context.args[0])
        return
    chat_id = update.effective_chat.id
    store = context.services.store
    await store.dialogs.clear(chat_id)
    contacts = await store.contacts.for_chat(chat_id)
    hospital = context.services.settings.require_hospital_name()
    if survey := await open_survey(context.services, chat_id):
        await ask_current_question(context.services, survey)
    elif not contacts:
        await send(context, chat_id, "start/how_to_enrol", hospital=hospital)
    elif await all_stopped(store, [c.patient_id for c in contacts]):  # a death or a dispute
        await send(context, chat_id, "start/no_follow_up", hospital=hospital)
    elif any(c.consent == ConsentDecision.GRANTED for c in contacts):
        await send(context, chat_id, "start/enrolled", hospital=hospital)
    else:
        await ask_consent(context, chat_id, {"contact_ids": [c.id for c in contacts]})


async def on_help(update: Update, context: AppContext) -> None:
    """Explain what the service does and which commands there are."""
    assert update.effective_chat is not None
    hospital = context.services.settings.require_hospital_name()
    await send(context, update.effective_chat.id, "start/help", hospital=hospital)


async def on_private_text(update: Update, context: AppContext) -> None:
    """Take typed text: danger and deaths first, then whatever the chat waits for."""
    assert update.effective_chat is not None and update.effective_message is not None
    chat_id = update.effective_chat.id
    state = await context.services.store.dialogs.get(chat_id)
    text = update.effective_message.text or ""
    if state and state.kind == DialogKind.TEMPLATE:  # a staff member editing a template
        await take_template_text(update, context, state)
    elif await take_alarming_text(context.services, chat_id, text):
        return  # danger or a death: acted on at once, whatever the chat was doing
    elif state and state.kind == DialogKind.ENROL and state.step == EnrolStep.IDENTITY:
        await answer_identity(update, context, state.data, text)
    elif state and state.kind == DialogKind.ENROL:
        await send(context, chat_id, "common/use_buttons")
    elif state and state.kind == DialogKind.CASE:
        await take_case_text(update, context, state)
    else:  # what every channel does with typed text
        await take_ordinary_text(context.services, chat_id, text)
