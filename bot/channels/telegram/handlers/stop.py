"""/stop: withdraw consent for this chat, after a confirmation (bot.services.stopping)."""

from __future__ import annotations

from telegram import Update

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.handlers.replies import refuse_button, settle
from bot.services.stopping import ask_to_stop, read_stop_choice, take_stop_choice


async def on_stop(update: Update, context: AppContext) -> None:
    """Cancel a dialog in progress, or ask to confirm withdrawing consent."""
    assert update.effective_chat is not None
    await ask_to_stop(context.services, update.effective_chat.id)


async def on_stop_button(update: Update, context: AppContext) -> None:
    """Withdraw consent for every patient this chat follows, or keep it."""
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    chat_id = update.effective_chat.id
    choice = await read_stop_choice(context.services, chat_id, query.data or "")
    if choice is None:
        await refuse_button(context, query)
        return
    await settle(query)
    await take_stop_choice(context.services, chat_id, choice)
