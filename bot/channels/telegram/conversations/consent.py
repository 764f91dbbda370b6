"""Enrolment's choices in Telegram (who is answering, the relation, the consent decision):
button presses handed to bot.services.enrolment."""

from __future__ import annotations

from telegram import Update

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.handlers.replies import refuse_button, settle
from bot.services.enrolment import read_enrol_choice, take_enrol_choice


async def on_enrol_button(update: Update, context: AppContext) -> None:
    """Route an enrolment button press, refusing it unless it answers the open question."""
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    services = context.services
    read = await read_enrol_choice(services, update.effective_chat.id, query.data or "")
    if read is None:
        await refuse_button(context, query)
        return
    await settle(query)
    await take_enrol_choice(services, *read, user_id=query.from_user.id)
