"""Answers to sent messages: check-ins, medicines, re-examinations, keep-receiving."""

from __future__ import annotations

from telegram import Update

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.handlers.replies import refuse_button, settle
from bot.domain.choices import decode_answer
from bot.services.step_replies import answer_step, answerable_row


async def on_answer_button(update: Update, context: AppContext) -> None:
    """Check a pressed answer button against its row, then record the answer."""
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    button = decode_answer(query.data or "")
    chat_id = update.effective_chat.id
    row = None if button is None else await answerable_row(context.services, button, chat_id)
    if button is None or row is None:
        await refuse_button(context, query)
        return
    await settle(query)
    await answer_step(context.services, row, button.choice)
