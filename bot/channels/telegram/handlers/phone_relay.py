"""A nurse on a call: presses on relayed questions, and typed words, go to the patient's
phone contact (bot.channels.phone.inbox)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.channels.phone.inbox import PhoneInbox, Pressed
from bot.channels.telegram.context import AppContext
from bot.channels.telegram.handlers.replies import text_of


async def on_relay_button(update: Update, context: AppContext) -> None:
    """Take a nurse's press on a relayed question; refuse anyone else's, or an old one."""
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    done = await PhoneInbox(context.services).press(update.effective_user.id, query.data or "")
    if done is Pressed.REFUSED:
        await query.answer(text_of(context, "phone/press_refused"), show_alert=True)
        return
    await query.answer()


async def on_relay_text(update: Update, context: AppContext) -> None:
    """Take a nurse's typed words as the patient's while on a call (before other handlers);
    anyone else's text goes on to them."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None or not message.text:
        return
    if await context.services.store.dialogs.get(user.id) is not None:
        return  # a dialog of the nurse's own (editing a template) keeps its words
    if await PhoneInbox(context.services).type(user.id, message.text):
        raise ApplicationHandlerStop
