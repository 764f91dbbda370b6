"""/complain and /praise in Telegram: the shared complaint dialog, from commands, messages
(a photo's caption and the photo too) and button presses."""

from __future__ import annotations

from telegram import Update

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.handlers.replies import refuse_button, settle
from bot.domain.cases import CaseKind
from bot.services import complaint_dialog
from bot.storage.records import DialogState

DIALOG_KIND = complaint_dialog.DIALOG_KIND


async def on_complain(update: Update, context: AppContext) -> None:
    """Start a complaint."""
    assert update.effective_chat is not None
    chat_id = update.effective_chat.id
    await complaint_dialog.start_case_dialog(context.services, chat_id, CaseKind.COMPLAINT)


async def on_praise(update: Update, context: AppContext) -> None:
    """Start a praise."""
    assert update.effective_chat is not None
    chat_id = update.effective_chat.id
    await complaint_dialog.start_case_dialog(context.services, chat_id, CaseKind.PRAISE)


async def take_case_text(update: Update, context: AppContext, state: DialogState) -> None:
    """Take what happened from a message: its text, or a photo with its caption."""
    message = update.effective_message
    assert message is not None
    photo = message.photo[-1].file_id if message.photo else None
    text = message.text or message.caption or ""
    await complaint_dialog.take_case_text(context.services, state, text, photo)


async def on_case_button(update: Update, context: AppContext) -> None:
    """Take the concerned person or the confirmation of a complaint or praise."""
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    chat_id = update.effective_chat.id
    choice = await complaint_dialog.read_case_choice(context.services, chat_id, query.data or "")
    if choice is None:
        await refuse_button(context, query)
        return
    await settle(query)
    await complaint_dialog.take_case_choice(context.services, choice)
