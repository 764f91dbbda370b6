"""/start, /help and free text in private chats."""

from __future__ import annotations

from telegram import Update

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.conversations.complaint import take_case_text
from bot.channels.telegram.conversations.template_edit import take_template_text
from bot.channels.telegram.handlers.call_reports import take_review_note
from bot.channels.telegram.handlers.replies import send
from bot.domain.dialogs import DialogKind
from bot.services.enrolment import begin_enrolment, show_start_status, take_enrol_text
from bot.services.patient_text import take_ordinary_text
from bot.services.triage_actions import take_alarming_text


async def on_start(update: Update, context: AppContext) -> None:
    """Open an invite from a deep link, or explain where the user stands."""
    assert update.effective_chat is not None
    chat_id = update.effective_chat.id
    if context.args:
        user = update.effective_user
        app_language = user.language_code if user else None
        await begin_enrolment(context.services, chat_id, context.args[0], app_language)
        return
    await show_start_status(context.services, chat_id)


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
    elif state and state.kind == DialogKind.CALL_REVIEW:  # a supervisor's note on a call
        await take_review_note(update, context, state)
    elif await take_alarming_text(context.services, chat_id, text):
        return  # danger or a death: acted on at once, whatever the chat was doing
    elif state and state.kind == DialogKind.ENROL:
        await take_enrol_text(context.services, state, text)
    elif state and state.kind == DialogKind.CASE:
        await take_case_text(update, context, state)
    else:  # what every channel does with typed text
        await take_ordinary_text(context.services, chat_id, text)
