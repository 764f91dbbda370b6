"""The error handler: the user gets a polite line, the log gets the trace, no patient data."""

from __future__ import annotations

import logging

from telegram import Update

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.handlers.replies import chat_locale, send_in

log = logging.getLogger(__name__)


async def on_error(update: object, context: AppContext) -> None:
    """Log the failure without message contents and apologise to the user."""
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("update %s failed", update_id, exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        chat_id = update.effective_chat.id
        try:
            locale = await chat_locale(context, chat_id)
        except Exception:  # the database may be what failed: apologise in the hospital's
            locale = context.services.locale
        try:
            await send_in(context, locale, chat_id, "common/error")
        except Exception:  # the apology itself may fail if Telegram is down
            log.warning("could not send the error apology for update %s", update_id)
