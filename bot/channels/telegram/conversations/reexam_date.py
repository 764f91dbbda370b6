"""Asking a patient who needs another re-examination date which day instead, on Telegram:
the date buttons and typed dates, answered by the shared use cases (services/visit_dates)."""

from __future__ import annotations

from telegram import Update

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.handlers.replies import refuse_button, settle
from bot.services.visit_dates import read_date_choice, take_date_choice


async def on_visit_date_button(update: Update, context: AppContext) -> None:
    """Take a ready-made date (or "let staff call me") for the open date question."""
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    services = context.services
    read = await read_date_choice(services, update.effective_chat.id, query.data or "")
    if read is None:
        await refuse_button(context, query)
        return
    await settle(query)
    await take_date_choice(services, *read)
