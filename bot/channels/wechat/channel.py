"""The WeChat channel: conversation messages inside the window, held messages and a notice
outside it, the held ones sent when the person writes again."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from zoneinfo import ZoneInfo

from bot.channels.wechat.notice import notice_fields
from bot.channels.wechat.ports import MenuNotAllowed, OutsideWindow, WeChatSending
from bot.channels.wechat.render import Payload, render_payloads, render_words
from bot.domain.channel_messages import (
    Address,
    ChannelName,
    FaultKind,
    Outgoing,
    SendFault,
    Sent,
)
from bot.domain.clock import Clock
from bot.domain.conversation_window import WindowDecision, decide
from bot.domain.languages import effective_locale
from bot.domain.notice_kinds import notice_kind
from bot.storage.channel_windows import ChatWindow
from bot.storage.store import Store
from bot.templating import Renderer

log = logging.getLogger(__name__)
SHANGHAI = ZoneInfo("Asia/Shanghai")


class WeChatChannel:
    """Sends neutral messages to WeChat followers within WeChat's window and quota."""

    name = ChannelName.WECHAT

    def __init__(
        self,
        store: Store,
        renderer: Renderer,
        clock: Clock,
        api: WeChatSending,
        notice_template_id: str,
        default_locale: str,
        zone: ZoneInfo = SHANGHAI,
    ) -> None:
        self.store, self.renderer, self.clock, self.api = store, renderer, clock, api
        self.notice_template_id = notice_template_id
        self.default_locale, self.zone = default_locale, zone
        self.menus = True  # False once WeChat refused a msgmenu (40200): numbered text since
        self._ahead: Counter[int] = Counter()  # chats being answered: ahead of their held

    async def transmit(self, address: Address, message: Outgoing) -> Sent:
        """Send the message in conversation when the window allows, else hold it (and send
        a notice asking the person to write, unless a recent one already does)."""
        window = await self._window_of(address)
        chat = window.chat_id
        locale = effective_locale(window.locale, self.default_locale)
        parts = len(self._payloads(locale, address.chat, message))
        if parts == 0:  # a photo or a copy without words: no WeChat rendering yet
            raise SendFault(FaultKind.FAILED, "wechat_no_words", detail="media needs words")
        windows, now = self.store.channel_windows, self.clock.now()
        queued = 0 if self._ahead[chat] else window.held
        decision = decide(window.state, now, parts, queued)
        if decision is WindowDecision.CONVERSE:
            try:
                await self._converse(chat, address.chat, locale, message)
                return Sent(address, f"custom:{chat}:{now.isoformat()}")
            except OutsideWindow:  # the window closed before we knew it
                # The whole message is held: of a message split in parts, the parts that
                # went will show again (rare: our record and WeChat's rule disagree).
                await windows.exhausted(chat)
                decision = decide(await windows.state(chat), now, parts, queued)
        return await self._hold(address, chat, locale, message, decision)

    @asynccontextmanager
    async def ahead_of_held(self, chat: int) -> AsyncIterator[None]:
        """Within the block, messages to the chat go ahead of its held ones (the answer to
        what the person just sent: danger advice, the next question, a command's reply)."""
        self._ahead[chat] += 1
        try:
            yield
        finally:
            self._ahead[chat] -= 1
            if not self._ahead[chat]:
                del self._ahead[chat]

    async def release_held(self, chat: int) -> int:
        """Send a chat's held messages, oldest first, as far as the quota allows (call after
        the person's message opened the window); return how many went."""
        address = await self.store.channel_chats.address_of(chat)
        if address is None:
            return 0
        locale, windows, released = await self._locale(chat), self.store.channel_windows, 0
        while True:
            remaining = (await windows.state(chat)).remaining(self.clock.now())
            taken = await windows.take_held(chat, 1 if remaining else 0)
            if not taken:
                return released
            [held] = taken
            parts = len(self._payloads(locale, address.chat, held.message))
            try:
                if parts > remaining:
                    raise OutsideWindow(45047)  # over the quota: as WeChat would say
                await self._converse(chat, address.chat, locale, held.message)
            except OutsideWindow:
                await windows.hold(chat, held.message, held.kind, held.held_at)
                return released
            released += 1

    async def _converse(self, chat: int, openid: str, locale: str, message: Outgoing) -> None:
        """Send the message's parts as conversation messages, counting each."""
        if choices := message.all_choices():  # a message without any leaves the open
            # question's choices clickable (its menu is still on the patient's screen)
            await self.store.channel_chats.offer(chat, choices, self.clock.now())
        for payload in self._payloads(locale, openid, message):
            await self._send(chat, locale, payload, message)

    async def _send(self, chat: int, locale: str, payload: Payload, message: Outgoing) -> None:
        try:
            await self.api.send_custom(payload)
        except MenuNotAllowed:  # an unverified or test account: numbered options from now on
            log.warning("WeChat refused a msgmenu (40200): choices go as numbered text")
            self.menus = False
            head = str(payload["msgmenu"]["head_content"])
            openid = str(payload["touser"])
            for part in render_words(self.renderer, locale, openid, head, message, False):
                await self.api.send_custom(part)
                await self.store.channel_windows.counted(chat)
            return
        await self.store.channel_windows.counted(chat)

    async def _hold(
        self,
        address: Address,
        chat: int,
        locale: str,
        message: Outgoing,
        decision: WindowDecision,
    ) -> Sent:
        """Keep the message; first send the notice when one is due (a refused notice keeps
        nothing, so the send path's retry does not hold the message twice)."""
        now, kind = self.clock.now(), notice_kind(message)
        if decision is WindowDecision.HOLD_AND_NOTIFY:
            data = notice_fields(self.renderer, locale, kind, now, self.zone)
            await self.api.send_template(address.chat, self.notice_template_id, data, None)
        held = await self.store.channel_windows.hold(chat, message, kind, now)
        if decision is WindowDecision.HOLD_AND_NOTIFY:
            await self.store.channel_windows.noticed(chat, now)
        return Sent(address, f"held:{held}")

    async def _window_of(self, address: Address) -> ChatWindow:
        """Return the window of the address's chat, giving the address a chat key first
        when it has none yet (one read for what a send needs)."""
        windows = self.store.channel_windows
        window = await windows.window_of(address)
        if window is None:
            await self.store.channel_chats.key_for(address)
            window = await windows.window_of(address)
        if window is None:
            raise RuntimeError("a chat key just given cannot be read back")
        return window

    def _payloads(self, locale: str, openid: str, message: Outgoing) -> list[Payload]:
        return render_payloads(self.renderer, locale, openid, message, self.menus)

    async def _locale(self, chat: int) -> str:
        own = await self.store.contacts.locale_of_chat(chat)
        return effective_locale(own, self.default_locale)
