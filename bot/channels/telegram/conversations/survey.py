"""A survey in Telegram: an answer button pressed, then the shared answering use case."""

from __future__ import annotations

from telegram import Update

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.handlers.replies import refuse_button, settle
from bot.services.answering import advance, read_choice


async def on_survey_button(update: Update, context: AppContext) -> None:
    """Take a pressed answer button, if it answers the session's open question."""
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    answer = await read_choice(context.services, update.effective_chat.id, query.data or "")
    if answer is None:
        await refuse_button(context, query)
        return
    await settle(query)
    await advance(context.services, answer)
