"""Where the demo's patients are: Telegram (the default) or WeChat. The story is the same; a
PatientSide does a patient's acts on their platform and reads what reached them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from bot.demo.fake_telegram import Call, keyboard
from bot.demo.harness import BotHarness
from bot.demo.transcript import Person, Transcript

SHOWN_TOKEN = 6  # characters of an invite token or QR ticket shown in the transcript


class DemoError(Exception):
    """The story expected something the bot did not show (a button, a question)."""


@dataclass(frozen=True)
class Shown:
    """A message that reached a patient: their chat, its words, its choices."""

    chat: int
    text: str
    buttons: str = ""
    speaker: str | None = None  # who the transcript says it is from; None: the bot


class PatientSide(Protocol):
    """A patient's platform: the acts of the story and the messages that reached them."""

    name: str  # telegram, wechat

    async def chat_of(self, number: int) -> int:
        """Return the chat key of the story's patient number `number`."""

    async def enrol(self, person: Person, token: str, scanned: str) -> str:
        """Open an invite (a /start link, a QR code); return what the transcript shows."""

    async def type(self, person: Person, text: str) -> None:
        """The patient types words."""

    async def choice(self, person: Person, pattern: str) -> tuple[str, str]:
        """Return the label and id of the newest choice offered matching pattern."""

    async def choose(self, person: Person, choice_id: str) -> None:
        """The patient picks a choice (a button, a menu item) by its id."""

    def owes_reply(self, person: Person) -> bool:
        """Say whether the patient must first answer a notice (WeChat, outside the window)."""

    def collect(self) -> list[Shown]:
        """Return the messages that reached patients since the last look (not Telegram's:
        the simulation reads the fake Bot API itself)."""


class TelegramSide:
    """Patients in Telegram chats, driven through real Update objects."""

    name = "telegram"

    def __init__(self, harness: BotHarness) -> None:
        self.harness = harness

    async def chat_of(self, number: int) -> int:
        return number

    async def enrol(self, person: Person, token: str, scanned: str) -> str:
        await self.type(person, f"/start {token}")
        return f"{scanned} /start {token[:SHOWN_TOKEN]}…"

    async def type(self, person: Person, text: str) -> None:
        await self.harness.text(person.chat_id, text)

    async def choice(self, person: Person, pattern: str) -> tuple[str, str]:
        label, data, _thread = newest_button(self.harness.telegram.calls, person.chat_id, pattern)
        return label, data

    async def choose(self, person: Person, choice_id: str) -> None:
        await self.harness.press(person.chat_id, choice_id)

    def owes_reply(self, person: Person) -> bool:
        return False

    def collect(self) -> list[Shown]:
        return []


def newest_button(
    calls: list[Call], chat_id: int, pattern: str, transcript: Transcript | None = None
) -> tuple[str, str, int | None]:
    """Return the label, data and topic of the newest button in a chat matching pattern (the
    topic as the transcript knows it, when given)."""
    wanted = re.compile(pattern)
    for call in reversed(calls):
        if chat_of_call(call) != chat_id:
            continue
        for label, data in keyboard(call.params.get("reply_markup")):
            if wanted.search(data):
                return label, data, transcript.topic_of(call) if transcript else None
    raise DemoError(f"no button matching {pattern!r} in chat {chat_id}")


def chat_of_call(call: Call) -> int | None:
    """Return the chat a Bot API call was made in."""
    chat = call.params.get("chat_id")
    return int(chat) if chat is not None else None
