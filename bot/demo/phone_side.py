"""The demo's patients on SMS: the texts that reach their phones (as the phone shows them),
the links in those texts, their SMS replies, and their browser for the pages."""

from __future__ import annotations

import re

from bot.demo.fake_sms import FakeSend, FakeSms
from bot.demo.harness import BotHarness
from bot.demo.patient_side import SHOWN_TOKEN, DemoError, Shown
from bot.demo.transcript import Person
from bot.demo.web_visitor import WebVisitor
from bot.domain.conversation_window import NoticeKind

LINK = re.compile(r"https?://\S+")


class Phones:
    """The story's SMS patients' phones, each with its number and its browser."""

    def __init__(self, harness: BotHarness, fake: FakeSms, speaker: str) -> None:
        self.harness, self.fake, self.speaker = harness, fake, speaker
        self.numbers: dict[int, str] = {}  # chat key: phone number
        self.browsers: dict[int, WebVisitor] = {}
        self._seen = 0

    def add(self, person: Person, phone: str) -> None:
        """Give a story's person a phone (their chat key is the number's)."""
        self.numbers[person.chat_id] = phone
        self.browsers[person.chat_id] = WebVisitor()

    def texts_to(self, person: Person) -> list[FakeSend]:
        """Return the texts the provider sent to the person's phone, oldest first."""
        return self.fake.state.sent_to(self.numbers[person.chat_id])

    def shown(self, send: FakeSend, shorten: bool = True) -> str:
        """Return a text as the phone shows it: the signature, the registered wording, the
        link's code (shortened as the demo shortens tokens)."""
        runtime = self.harness.app.bot_data.sms if self.harness.app else None
        if runtime is None:
            raise DemoError("the bot runs without SMS")
        kinds = {code: kind for kind, code in runtime.account.templates.items()}
        [code] = send.params.values()
        shown_code = f"{code[:SHOWN_TOKEN]}…" if shorten else code
        words = runtime.notices.words(kinds.get(send.template, NoticeKind.OTHER), shown_code)
        return f"【{runtime.account.sign_name}】{words}"

    def newest_link(self, person: Person) -> str:
        """Return the link in the newest text the person received."""
        texts = self.texts_to(person)
        found = LINK.search(self.shown(texts[-1], shorten=False)) if texts else None
        if found is None:
            raise DemoError(f"no text with a link reached {person.section}")
        return found.group(0)

    async def reply(self, person: Person, text: str) -> None:
        """The person answers by SMS (through the provider's callback)."""
        status = await self.fake.user_replies(self.numbers[person.chat_id], text)
        if status != 200:
            raise DemoError(f"the bot answered the SMS callback with HTTP {status}")

    def collect(self) -> list[Shown]:
        """Return the texts that reached the story's phones since the last look."""
        sends = self.fake.sends[self._seen :]
        self._seen += len(sends)
        chats = {phone: chat for chat, phone in self.numbers.items()}
        return [
            Shown(chats[send.phone], self.shown(send), speaker=self.speaker)
            for send in sends
            if send.phone in chats
        ]

    async def close(self) -> None:
        """Close every browser."""
        for browser in self.browsers.values():
            await browser.close()
