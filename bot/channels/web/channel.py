"""The page channel: messages to an SMS contact are kept in its chat's feed, shown on its page.

`PageChannel.transmit` is composable: the SMS channel calls it first (the message lands on
the page), then sends a short notice with the page's link (`PageLinks.url_for`), and may ask
`PageFeed.last_seen` whether the person has been on the page lately.
"""

from __future__ import annotations

from datetime import datetime

from bot.channels.text.render import plain_words
from bot.domain.channel_messages import Address, ChannelName, Outgoing, Sent
from bot.domain.clock import Clock
from bot.domain.conversation_window import NoticeKind
from bot.storage.store import Store
from bot.storage.unit_of_work import Repositories


class PageChannel:
    """Keeps neutral messages in the chat's feed as plain words and choices."""

    name = ChannelName.SMS

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store, self.clock = store, clock

    async def transmit(self, address: Address, message: Outgoing) -> Sent:
        """Keep the message on the chat's page, remember its choices (so typed replies and
        numbers answer them too); return its feed id."""
        async with self.store.unit_of_work() as uow:
            chat = await uow.channel_chats.key_for(address)
            return await self.keep(uow, chat, address, message)

    async def keep(self, uow: Repositories, chat: int, address: Address, message: Outgoing) -> Sent:
        """Keep the message on the page of the address's chat (its key known) within the
        caller's unit of work, its choices remembered; return its feed id."""
        choices = message.all_choices()
        now = self.clock.now()
        private = message.notice is NoticeKind.STAFF_REPLY  # shown after the identity check
        feed_id = await uow.web_pages.add_to_feed(
            chat, plain_words(message.text), choices, now, private
        )
        await uow.channel_chats.offer(chat, choices, now)
        return Sent(address, str(feed_id))


class PageFeed:
    """What the SMS channel asks of the pages about a chat."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def last_seen(self, chat: int) -> datetime | None:
        """Return when the chat's person last opened or used one of its pages, if ever."""
        return await self.store.web_pages.last_seen(chat)
