"""What people text back: a stop word withdraws at once (as Chinese SMS users expect: no
question, nothing more sent); anything else is read like chat text (numbers and words
answer the latest question, danger alerts staff, free text goes to staff). Texts from
numbers that are no contact are answered nothing."""

from __future__ import annotations

import logging

from bot.channels.text.inbox import TextInbox
from bot.channels.text.reading import normalized
from bot.domain.channel_messages import Address
from bot.domain.consent import ConsentVia
from bot.services.container import Services
from bot.services.stopping import withdraw_without_asking

log = logging.getLogger(__name__)
STOP_COMMAND = "stop"  # messages/text_commands.yaml: its words stop by SMS at once


class SmsInbox:
    """Takes the replies the provider's callback hands on."""

    def __init__(self, services: Services, inbox: TextInbox | None = None) -> None:
        self.services = services
        self.inbox = inbox or TextInbox(services)

    async def receive(self, address: Address, text: str) -> None:
        """Take one text from a number."""
        chat = await self.services.store.channel_chats.find(address)
        contacts = await self.services.store.contacts.for_chat(chat) if chat is not None else []
        if chat is None or not contacts:
            log.info("sms reply from a number that is no contact: not answered")
            return
        if self.inbox.commands.get(normalized(text)) == STOP_COMMAND:
            if await withdraw_without_asking(self.services, chat, ConsentVia.SMS_STOP):
                await self.services.store.sms_owed.settle(chat)
            return
        await self.inbox.receive(address, text)
