"""What arrives on a plain-text channel: a numbered option, a command word or free text,
handed to the same use cases as every other channel."""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

from bot.channels.text.reading import chosen, normalized
from bot.domain.cases import CaseKind
from bot.domain.channel_messages import Address
from bot.domain.choices import decode_answer
from bot.services import complaint_dialog, visit_dates
from bot.services.answering import advance, read_choice
from bot.services.container import Services
from bot.services.messaging import say
from bot.services.patient_text import take_patient_text
from bot.services.step_replies import answer_step, answerable_row
from bot.templating import MESSAGES_DIR

COMMANDS_FILE = MESSAGES_DIR / "text_commands.yaml"
CASE_COMMANDS = {"complain": CaseKind.COMPLAINT, "praise": CaseKind.PRAISE}


@functools.cache
def load_commands(path: Path = COMMANDS_FILE) -> dict[str, str]:
    """Return the command each word stands for, from the words file (folded like replies)."""
    listed = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {normalized(word): command for command, words in listed.items() for word in words}


class TextInbox:
    """Reads what people send on a plain-text channel and answers through the send path."""

    def __init__(self, services: Services, commands: dict[str, str] | None = None) -> None:
        self.services = services
        self.commands = load_commands() if commands is None else commands

    async def receive(self, address: Address, text: str) -> None:
        """Take one message from an address: an option, a command, or text for what waits."""
        services = self.services
        chat = await services.store.channel_chats.key_for(address)
        if not await services.store.contacts.for_chat(chat):
            hospital = services.settings.require_hospital_name()
            await say(services, chat, "channels/unknown_sender", hospital=hospital)
            return
        choice = chosen(text, await services.store.channel_chats.offered(chat))
        if choice is not None:
            await self._choose(chat, choice.id)
        elif (command := self.commands.get(normalized(text))) is not None:
            await self._command(chat, command)
        else:
            await take_patient_text(services, chat, text)

    async def _choose(self, chat: int, choice_id: str) -> None:
        """Answer what the chosen option belongs to, if it is still open."""
        services = self.services
        if (answer := await read_choice(services, chat, choice_id)) is not None:
            await advance(services, answer)
        elif (
            step := await complaint_dialog.read_case_choice(services, chat, choice_id)
        ) is not None:
            await complaint_dialog.take_case_choice(services, step)
        elif (date := await visit_dates.read_date_choice(services, chat, choice_id)) is not None:
            await visit_dates.take_date_choice(services, *date)
        elif not await self._answer_step(chat, choice_id):
            await say(services, chat, "common/question_closed")

    async def _answer_step(self, chat: int, choice_id: str) -> bool:
        """Answer a sent plan step (medicine, re-examination, keep receiving); False if the
        choice is not one, or its question is closed."""
        button = decode_answer(choice_id)
        row = None if button is None else await answerable_row(self.services, button, chat)
        if button is None or row is None:
            return False
        await answer_step(self.services, row, button.choice)
        return True

    async def _command(self, chat: int, command: str) -> None:
        services = self.services
        if command in CASE_COMMANDS:
            await complaint_dialog.start_case_dialog(services, chat, CASE_COMMANDS[command])
        else:
            hospital = services.settings.require_hospital_name()
            await say(services, chat, "start/help", hospital=hospital)
