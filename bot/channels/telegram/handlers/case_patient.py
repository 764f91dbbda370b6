"""The patient's side of a case: replies go to the case thread, and one question at the end."""

from __future__ import annotations

from telegram import Update

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.handlers.replies import refuse_button, settle
from bot.services import case_replies

ANSWERS = {"yes": True, "no": False}


async def on_handling_answer(update: Update, context: AppContext) -> None:
    """Record whether the patient is satisfied with how the case was handled (once)."""
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    parts = (query.data or "").split(":")
    if not (
        len(parts) == 3 and parts[1].isdecimal() and len(parts[1]) < 19 and parts[2] in ANSWERS
    ):
        await refuse_button(context, query)
        return
    chat_id, satisfied = update.effective_chat.id, ANSWERS[parts[2]]
    if not await case_replies.rate_handling(context.services, int(parts[1]), chat_id, satisfied):
        await refuse_button(context, query)
        return
    await settle(query)
