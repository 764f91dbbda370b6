"""The patient's side of a case: replies go to the case thread, and one question at the end."""

from __future__ import annotations

from telegram import Update

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.handlers.replies import refuse_button, settle
from bot.domain.choices import decode_handling
from bot.services import case_replies


async def on_handling_answer(update: Update, context: AppContext) -> None:
    """Record whether the patient is satisfied with how the case was handled (once)."""
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    rating = decode_handling(query.data or "")
    if rating is None:
        await refuse_button(context, query)
        return
    (case_id, satisfied), chat_id = rating, update.effective_chat.id
    if not await case_replies.rate_handling(context.services, case_id, chat_id, satisfied):
        await refuse_button(context, query)
        return
    await settle(query)
