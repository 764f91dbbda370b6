"""/language: a patient (or family member) chooses the language of their messages."""

from __future__ import annotations

from telegram import Update

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.handlers.replies import (
    Button,
    chat_locale,
    refuse_button,
    send,
    send_in,
    settle,
)
from bot.domain.choices import decode_language, encode_language
from bot.services.languages import choose_language
from bot.templating import LOCALES

LANGUAGE_BUTTONS: list[list[Button]] = [
    [(f"buttons/language_{locale}", encode_language(locale)) for locale in LOCALES]
]


async def on_language(update: Update, context: AppContext) -> None:
    """Offer the supported languages to a contact; tell others why there is nothing to choose."""
    assert update.effective_chat is not None and update.effective_user is not None
    chat_id = update.effective_chat.id
    store = context.services.store
    if await store.contacts.locale_of_chat(chat_id) is None:
        is_staff = await store.staff.get(update.effective_user.id) is not None
        await send(context, chat_id, "language/staff" if is_staff else "language/not_enrolled")
        return
    locale = await chat_locale(context, chat_id)
    current = context.services.renderer.render(f"buttons/language_{locale}", locale)
    await send_in(context, locale, chat_id, "language/choose", LANGUAGE_BUTTONS, current=current)


async def on_language_button(update: Update, context: AppContext) -> None:
    """Store the chosen language for this chat's contacts and confirm in that language."""
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    chat_id = update.effective_chat.id
    chosen = decode_language(query.data or "")
    now = context.services.clock.now()
    if (
        chosen is None
        or chosen not in LOCALES
        or not await choose_language(context.services.store, chat_id, chosen, now)
    ):
        await refuse_button(context, query)
        return
    await settle(query)
    await send_in(context, chosen, chat_id, "language/changed")
