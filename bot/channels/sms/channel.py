"""The SMS channel: every message is kept on the chat's page, and a short notice SMS with
the page's link tells the person it is there — unless they are on the page now, an earlier
notice that matters as much is still unread, or the hour or the limits say later (then the
notice is owed, kept per chat, and sent by the sweep once due).

A staff reply's notice links to the replies page (behind the identity check); every other
notice to the conversation page.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.channels.sms.notices import SmsNotices
from bot.channels.web.server import WebRuntime
from bot.domain.channel_messages import Address, ChannelName, FaultKind, Outgoing, SendFault, Sent
from bot.domain.clock import Clock
from bot.domain.conversation_window import NoticeKind
from bot.domain.notice_kinds import notice_kind, outranks
from bot.domain.schedule import SendPolicy, next_send_time
from bot.domain.web_links import LinkPurpose
from bot.storage.sms_owed import OwedNotice
from bot.storage.store import Store
from bot.storage.unit_of_work import Repositories

log = logging.getLogger(__name__)
ON_THE_PAGE = timedelta(minutes=10)  # seen on the page this recently: they are there
UNREAD = timedelta(hours=12)  # a notice sent after their last visit is unread this long
RETRY_AFTER = timedelta(minutes=5)  # when the provider asks to retry without saying when
CONFIG_SETTINGS = "FOLLOWUP_SMS_TEMPLATES and FOLLOWUP_SMS_SIGN_NAME"


def link_purpose(kind: NoticeKind) -> LinkPurpose:
    """Return the page a notice links to: a staff reply's is the replies page."""
    return LinkPurpose.REPLIES if kind is NoticeKind.STAFF_REPLY else LinkPurpose.CONVERSATION


def on_the_page(seen: datetime | None, now: datetime) -> bool:
    """Say whether a person last seen on their page at `seen` is there now."""
    return seen is not None and now - seen < ON_THE_PAGE


class SmsChannel:
    """Keeps messages on the pages and sends the notice SMS that point to them."""

    name = ChannelName.SMS

    def __init__(
        self, web: WebRuntime, notices: SmsNotices, store: Store, clock: Clock, policy: SendPolicy
    ) -> None:
        self.web, self.notices, self.store = web, notices, store
        self.clock, self.policy = clock, policy

    async def transmit(self, address: Address, message: Outgoing) -> Sent:
        """Keep the message on the page, then tell the person by SMS when that is needed;
        raise SendFault only when the number cannot be reached."""
        kind, now = notice_kind(message), self.clock.now()
        async with self.store.unit_of_work() as uow:  # one transaction until a notice goes
            chat = await uow.channel_chats.key_for(address)
            sent = await self.web.channel.keep(uow, chat, address, message)
            needless = await self._needless(uow, chat, address.chat, kind, now)
            token = None if needless else await self._link_when_allowed(uow, chat, kind, now)
        if token is not None:
            await self._send(chat, address.chat, kind, token, now)
        return sent

    async def sweep(self, now: datetime) -> None:
        """Send the notices owed by now (the dispatcher's tick runs this)."""
        for owed in await self.store.sms_owed.due(now):  # of chats still followed only
            address = await self.store.channel_chats.address_of(owed.chat_id)
            if address is None:
                await self.store.sms_owed.settle(owed.chat_id)
                continue
            await self._send_owed(owed, address.chat, now)

    async def _send_owed(self, owed: OwedNotice, phone: str, now: datetime) -> None:
        if on_the_page(await self.web.feed.last_seen(owed.chat_id), now):
            await self.store.sms_owed.settle(owed.chat_id)  # they are on the page
            return
        try:
            token = await self._link_when_allowed(self.store, owed.chat_id, owed.kind, now)
            if token is not None:
                await self._send(owed.chat_id, phone, owed.kind, token, now)
        except SendFault as fault:  # unreachable: the next message's send path marks it
            log.warning("sms notice to chat %d not sent: %s", owed.chat_id, fault.reason)
            await self.store.sms_owed.settle(owed.chat_id)

    async def _link_when_allowed(
        self, repositories: Repositories, chat: int, kind: NoticeKind, now: datetime
    ) -> str | None:
        """Return a fresh link's code for a notice that may go now, or owe the notice until
        the contact hours (and holidays) allow and return None."""
        allowed = next_send_time(now, self.policy, spread=False)
        if allowed > now:
            await repositories.sms_owed.owe(chat, kind, allowed)
            return None
        return await self.web.links.token_for(chat, link_purpose(kind), now, repositories.web_pages)

    async def _needless(
        self, uow: Repositories, chat: int, phone: str, kind: NoticeKind, now: datetime
    ) -> bool:
        """Say whether the person needs no notice: on the page lately, or one unread that
        matters as much."""
        seen = await uow.web_pages.last_seen(chat)
        if on_the_page(seen, now):
            return True
        last = await uow.sms_messages.last_sent(phone)
        if last is None or outranks(kind, last[1]):
            return False
        sent_at = last[0]
        return now - sent_at < UNREAD and (seen is None or seen < sent_at)

    async def _send(
        self, chat: int, phone: str, kind: NoticeKind, token: str, now: datetime
    ) -> None:
        """Send the notice with its link's code; a RETRY fault owes it, FAILED is logged
        for the operator (the message is on the page), UNREACHABLE is raised."""
        try:
            await self.notices.send(phone, kind, token, now)
        except SendFault as fault:
            if fault.kind is FaultKind.UNREACHABLE:
                raise
            if fault.kind is FaultKind.RETRY:
                wait = timedelta(seconds=fault.retry_after) if fault.retry_after else RETRY_AFTER
                await self.store.sms_owed.owe(chat, kind, now + wait)
                return
            log.error("sms notice refused (%s): check %s", fault.reason, CONFIG_SETTINGS)
        await self.store.sms_owed.settle(chat)
