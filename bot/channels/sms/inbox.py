"""What people text back: a stop word withdraws at once (as Chinese SMS users expect: no
question, nothing more sent); anything else is read like chat text (numbers and words
answer the latest question, danger alerts staff, free text goes to staff). Texts from
numbers that are no contact, or withdrew, are answered nothing."""

from __future__ import annotations

import logging

from bot.channels.text.inbox import TextInbox
from bot.channels.text.reading import normalized
from bot.domain.channel_messages import Address, ChannelName
from bot.domain.consent import ConsentVia
from bot.services.container import Services
from bot.services.stopping import withdraw_without_asking
from bot.services.withdrawal import granted_contacts

log = logging.getLogger(__name__)
CHANNEL = ChannelName.SMS.value  # its replies' ids in channel_inbound
STOP_COMMAND = "stop"  # messages/text_commands.yaml: its words stop by SMS at once


class SmsInbox:
    """Takes the replies the provider's callback hands on."""

    def __init__(self, services: Services, inbox: TextInbox | None = None) -> None:
        self.services = services
        self.inbox = inbox or TextInbox(services)

    async def receive(self, address: Address, text: str, key: str | None = None) -> None:
        """Take one text from a number, once: a reply with the provider's id (`key`) that was
        handled already (a batch sent again after a failure) is skipped."""
        inbound, now = self.services.store.channel_inbound, self.services.clock.now()
        if key is not None:
            await inbound.take_many(CHANNEL, [(key, None)], now)
            if await inbound.was_handled(CHANNEL, key):
                return
        await self._take(address, text)
        if key is not None:
            await inbound.handled(CHANNEL, key, now)

    async def _take(self, address: Address, text: str) -> None:
        chat = await self.services.store.channel_chats.find(address)
        if chat is None or not await granted_contacts(self.services, chat):
            log.info("sms reply from a number not followed up: not answered")
            return  # a stranger, or withdrawn: nothing is sent, not even a notice
        if self.inbox.commands.get(normalized(text)) == STOP_COMMAND:
            await withdraw_without_asking(self.services, chat, ConsentVia.SMS_STOP)
            await self.services.store.sms_owed.settle(chat)
            return
        await self.inbox.receive(address, text)
