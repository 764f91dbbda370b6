"""The demo's patients on WeChat: they scan QR codes, click msgmenu choices and type, through
the fake WeChat API (which signs their callbacks); when their 48-hour window has closed and a
notice came, they answer the notice first so the held messages can go."""

from __future__ import annotations

import re
from typing import Any

from bot.demo.fake_wechat import FakeWeChat
from bot.demo.harness import BotHarness
from bot.demo.patient_side import DemoError, Shown
from bot.demo.transcript import Person
from bot.domain.channel_messages import Address, ChannelName

CUSTOM, NOTICE = "message/custom/send", "message/template/send"
QR_SECONDS = 30 * 24 * 3600
OPENID = "oDemoPatient{number:015d}"


class WeChatSide:
    """Patients following the hospital's service account, driven through the fake WeChat."""

    name = "wechat"

    def __init__(self, harness: BotHarness, fake: FakeWeChat, words: dict[str, str]) -> None:
        self.harness, self.fake, self.words = harness, fake, words
        self.openids: dict[int, str] = {}  # chat key: openid
        self._seen = 0
        self._noticed: set[str] = set()  # openids with a notice not yet answered

    async def chat_of(self, number: int) -> int:
        openid = OPENID.format(number=number)
        address = Address(ChannelName.WECHAT, openid)
        chat = await self.harness.services.store.channel_chats.key_for(address)
        self.openids[chat] = openid
        return chat

    async def enrol(self, person: Person, token: str, scanned: str) -> str:
        runtime = self.harness.app.bot_data.wechat if self.harness.app else None
        if runtime is None:
            raise DemoError("the bot runs without WeChat")
        qr = await runtime.api.create_qr(token, QR_SECONDS)
        await self._answered(await self.fake.scan(self.openids[person.chat_id], qr.ticket))
        return scanned

    async def type(self, person: Person, text: str) -> None:
        openid = self.openids[person.chat_id]
        self._noticed.discard(openid)
        await self._answered(await self.fake.user_says(openid, text))

    async def choice(self, person: Person, pattern: str) -> tuple[str, str]:
        """A menu's choice, else one offered as numbered words (a 0-10 scale)."""
        wanted = re.compile(pattern)
        offered = await self.harness.services.store.channel_chats.offered(person.chat_id)
        menus = self._choices(self.openids[person.chat_id])
        for id_, label in [*reversed(menus), *((c.id, c.label) for c in offered)]:
            if wanted.search(id_):
                return label, id_
        raise DemoError(f"no choice matching {pattern!r} reached {person.section}")

    async def choose(self, person: Person, choice_id: str) -> None:
        """Click the menu's choice; a choice offered as numbered words is typed."""
        openid = self.openids[person.chat_id]
        self._noticed.discard(openid)
        label, _id = await self.choice(person, f"^{re.escape(choice_id)}$")
        clickable = any(id_ == choice_id for id_, _label in self._choices(openid))
        menu_id = choice_id if clickable else None
        await self._answered(await self.fake.user_says(openid, label, bizmsgmenuid=menu_id))

    def owes_reply(self, person: Person) -> bool:
        """Say whether a notice reached the person since they last wrote."""
        return self.openids.get(person.chat_id) in self._noticed

    def collect(self) -> list[Shown]:
        calls = self.fake.calls[self._seen :]
        self._seen += len(calls)
        chats = {openid: chat for chat, openid in self.openids.items()}
        shown = []
        for call in calls:
            if call.errcode == 0 and call.openid in chats:
                described = self._describe(call.endpoint, call.payload)
                if described is not None:
                    if call.endpoint == NOTICE:
                        self._noticed.add(call.openid)
                    shown.append(Shown(chats[call.openid], *described))
        return shown

    def _describe(self, endpoint: str, payload: dict[str, Any]) -> tuple[str, str] | None:
        if endpoint == NOTICE:
            data = payload.get("data", {})
            fields = " · ".join(str(field["value"]) for field in data.values())
            return f"{self.words['notice']} {fields}", ""
        if endpoint != CUSTOM:
            return None
        if payload["msgtype"] == "text":
            return str(payload["text"]["content"]), ""
        if payload["msgtype"] == "msgmenu":
            menu = payload["msgmenu"]
            buttons = " ".join(f"[{item['content']}]" for item in menu["list"])
            return f"{menu['head_content']}\n{menu.get('tail_content', '')}", buttons
        return f"[{self.words['file']}]", ""

    def _choices(self, openid: str) -> list[tuple[str, str]]:
        """The (id, label) of every msgmenu choice that reached the user, oldest first."""
        found: list[tuple[str, str]] = []
        for call in self.fake.state.sent_to(openid, CUSTOM):
            if call.errcode == 0 and call.payload["msgtype"] == "msgmenu":
                menu = call.payload["msgmenu"]["list"]
                found.extend((str(item["id"]), str(item["content"])) for item in menu)
        return found

    async def _answered(self, status: int) -> None:
        if status != 200:
            raise DemoError(f"the bot answered a WeChat callback with HTTP {status}")
        await self.harness.wechat_settled()
