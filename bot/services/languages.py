"""The language each person is written to in: patients in their own, staff in the hospital's."""

from __future__ import annotations

from datetime import datetime

from bot.domain.languages import effective_locale, enrolment_language
from bot.settings import Settings
from bot.storage.store import Store


async def locale_of_chat(store: Store, settings: Settings, chat_id: int) -> str:
    """Return the language to write to a chat in: its contact's choice, else the hospital's."""
    return effective_locale(await store.contacts.locale_of_chat(chat_id), settings.locale)


async def choose_language(store: Store, chat_id: int, locale: str, now: datetime) -> bool:
    """Store the language a patient (or family member) chose; False if the chat is no contact."""
    return await store.contacts.set_locale_for_chat(chat_id, locale, now) > 0


async def enrolment_locale(
    store: Store, settings: Settings, chat_id: int, listed: str | None, language_code: str | None
) -> str:
    """Return the language to enrol a chat in: the list's, the chat's earlier, the app's."""
    chosen = await store.contacts.locale_of_chat(chat_id)
    return enrolment_language(listed, chosen, language_code, settings.locale)
