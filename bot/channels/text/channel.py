"""The plain-text channel: renders neutral messages as text and hands them to a line."""

from __future__ import annotations

from typing import Protocol

from bot.channels.text.render import plain_message
from bot.domain.channel_messages import Address, ChannelName, Outgoing, Sent
from bot.domain.clock import Clock
from bot.domain.languages import effective_locale
from bot.storage.store import Store
from bot.templating import Renderer


class TextLine(Protocol):
    """What carries plain text to a person (an SMS gateway, a test's recorder)."""

    async def deliver(self, address: Address, text: str) -> str:
        """Deliver the text; return the line's id for it."""
        ...


class TextChannel:
    """Sends neutral messages as plain text, remembering the choices offered per chat."""

    name = ChannelName.TEXT

    def __init__(
        self, store: Store, renderer: Renderer, clock: Clock, line: TextLine, locale: str
    ) -> None:
        self.store, self.renderer, self.clock, self.line = store, renderer, clock, line
        self.default_locale = locale

    async def transmit(self, address: Address, message: Outgoing) -> Sent:
        """Render the message for its chat's language, remember its choices, deliver it."""
        chat = await self.store.channel_chats.key_for(address)
        own = await self.store.contacts.locale_of_chat(chat)
        locale = effective_locale(own, self.default_locale)
        text = plain_message(self.renderer, locale, message)
        await self.store.channel_chats.offer(chat, message.all_choices(), self.clock.now())
        return Sent(address, await self.line.deliver(address, text))
