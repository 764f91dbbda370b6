"""What arrives on a chat channel other than Telegram (plain text, WeChat): a numbered or
clicked option, a command word, free text, media, an invite opened, an unfollow — handed to
the same use cases as every other channel."""

from __future__ import annotations

import functools
from pathlib import Path

from bot.channels.text.reading import chosen, normalized
from bot.domain.cases import CaseKind
from bot.domain.channel_messages import Address
from bot.domain.choices import decode_answer, decode_handling
from bot.domain.consent import ConsentVia
from bot.domain.data_files import parse_yaml
from bot.domain.dialogs import DialogKind
from bot.domain.patient_messages import PatientMessage
from bot.services import case_replies, complaint_dialog, enrolment, stopping, visit_dates
from bot.services.answering import advance, read_choice
from bot.services.container import Services
from bot.services.messaging import say
from bot.services.patient_media import take_patient_media
from bot.services.patient_text import take_patient_text
from bot.services.step_replies import answer_step, answerable_row
from bot.services.triage_actions import take_alarming_text
from bot.templating import MESSAGES_DIR

COMMANDS_FILE = MESSAGES_DIR / "text_commands.yaml"
CASE_COMMANDS = {"complain": CaseKind.COMPLAINT, "praise": CaseKind.PRAISE}


@functools.cache
def load_commands(path: Path = COMMANDS_FILE) -> dict[str, str]:
    """Return the command each word stands for, from the words file (folded like replies)."""
    listed = parse_yaml(path.read_text(encoding="utf-8"))
    return {normalized(word): command for command, words in listed.items() for word in words}


class TextInbox:
    """Reads what people send on a chat channel and answers through the send path."""

    def __init__(self, services: Services, commands: dict[str, str] | None = None) -> None:
        self.services = services
        self.commands = load_commands() if commands is None else commands

    async def receive(self, address: Address, text: str) -> None:
        """Take one message from an address: an option, a command, an enrolment answer, or
        text for what waits."""
        chat = await self.services.store.channel_chats.key_for(address)
        if not await self._known(chat):
            return
        choice = chosen(text, await self.services.store.channel_chats.offered(chat))
        if choice is not None:
            await self._choose(chat, choice.id)
        elif (command := self.commands.get(normalized(text))) is not None:
            await self._command(chat, command)
        else:
            await self._take_text(chat, text)

    async def receive_choice(self, address: Address, choice_id: str) -> None:
        """Take a choice clicked by its id (as a number naming it would be); a choice not
        offered now is answered as closed and never acted on."""
        chats = self.services.store.channel_chats
        chat = await chats.key_for(address)
        offered = await chats.offered(chat)
        if all(choice.id != choice_id for choice in offered):
            await say(self.services, chat, "common/question_closed")
            await chats.offer(chat, offered, self.services.clock.now())  # still open
            return
        await self._choose(chat, choice_id)

    async def receive_media(self, address: Address, message: PatientMessage) -> None:
        """Take a photo, voice note, file… from an address."""
        chat = await self.services.store.channel_chats.key_for(address)
        if await self._known(chat):
            await take_patient_media(self.services, chat, message)

    async def open_invite(self, address: Address, token: str, language: str | None = None) -> None:
        """Start enrolment from an invite token (a scanned QR code, a link)."""
        chat = await self.services.store.channel_chats.key_for(address)
        await enrolment.begin_enrolment(self.services, chat, token, language)

    async def command(self, address: Address, command: str) -> None:
        """Run a command chosen outside the text (a WeChat menu item): start, help, stop,
        complain or praise, as its word would."""
        chat = await self.services.store.channel_chats.key_for(address)
        await self._command(chat, command)

    async def withdraw(self, address: Address) -> bool:
        """The person unfollowed: withdraw consent at once, sending nothing (they can no longer
        receive it). False if the address had no consent to withdraw."""
        chat = await self.services.store.channel_chats.key_for(address)
        return await stopping.withdraw_without_asking(self.services, chat, ConsentVia.UNSUBSCRIBE)

    async def _known(self, chat: int) -> bool:
        """Say whether a chat is a contact or in a dialog; else tell the sender who we are."""
        store = self.services.store
        if await store.contacts.for_chat(chat) or await store.dialogs.get(chat):
            return True
        hospital = self.services.settings.require_hospital_name()
        await say(self.services, chat, "channels/unknown_sender", hospital=hospital)
        return False

    async def _take_text(self, chat: int, text: str) -> None:
        """Typed words: danger first, then the enrolment dialog's question, else what waits."""
        services = self.services
        state = await services.store.dialogs.get(chat)
        if state is None or state.kind != DialogKind.ENROL:
            await take_patient_text(services, chat, text)
        elif await take_alarming_text(services, chat, text):
            return  # danger or a death: acted on at once, whatever the chat was doing
        else:
            await enrolment.take_enrol_text(services, state, text)

    async def _choose(self, chat: int, choice_id: str) -> None:
        """Answer what the chosen option belongs to, if it is still open."""
        services = self.services
        if (enrol := await enrolment.read_enrol_choice(services, chat, choice_id)) is not None:
            await enrolment.take_enrol_choice(services, *enrol)
        elif (stop := await stopping.read_stop_choice(services, chat, choice_id)) is not None:
            await stopping.take_stop_choice(services, chat, stop)
        elif (answer := await read_choice(services, chat, choice_id)) is not None:
            await advance(services, answer)
        elif (
            step := await complaint_dialog.read_case_choice(services, chat, choice_id)
        ) is not None:
            await complaint_dialog.take_case_choice(services, step)
        elif (date := await visit_dates.read_date_choice(services, chat, choice_id)) is not None:
            await visit_dates.take_date_choice(services, *date)
        elif not await self._rate_handling(chat, choice_id) and not await self._answer_step(
            chat, choice_id
        ):
            await say(services, chat, "common/question_closed")

    async def _rate_handling(self, chat: int, choice_id: str) -> bool:
        """Answer how a closed case was handled; False if the choice is not that answer, or
        was answered already."""
        rating = decode_handling(choice_id)
        if rating is None:
            return False
        case_id, satisfied = rating
        return await case_replies.rate_handling(self.services, case_id, chat, satisfied)

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
        elif command == "stop":
            await stopping.ask_to_stop(services, chat)
        elif command == "start":
            await enrolment.show_start_status(services, chat)
        else:
            hospital = services.settings.require_hospital_name()
            await say(services, chat, "start/help", hospital=hospital)
