"""Patients on the plain-text channel for tests: enrolment by phone, replies by number."""

from __future__ import annotations

from bot.channels.text.inbox import TextInbox
from bot.channels.text.reading import is_number
from bot.demo.harness import BotHarness
from bot.domain.channel_messages import Address, ChannelName
from bot.domain.enrolment import ConsentDecision
from bot.services.planning import plan_contact
from bot.storage.contacts import NewContact
from bot.storage.records import Contact
from tests.text_line import RecordingLine

PHONE = Address(ChannelName.TEXT, "13800138001")


async def start_with_text_line(harness: BotHarness, staff_group: int) -> RecordingLine:
    """Restart the bot with a plain-text line and a staff group."""
    line = RecordingLine()
    harness.text_line = line
    harness.settings = harness.settings.model_copy(update={"staff_chat_id": staff_group})
    await harness.restart()
    return line


async def enrol_by_phone(
    harness: BotHarness, hospital_no: str = "ZY001", locale: str = "zh_CN"
) -> Contact:
    """Link the test phone to a seeded patient with consent, and plan it."""
    return await link_consenting(harness, PHONE, hospital_no, locale)


async def link_consenting(
    harness: BotHarness, address: Address, hospital_no: str, locale: str
) -> Contact:
    """Link an address on its channel to a seeded patient with consent, and plan it."""
    store, now = harness.services.store, harness.clock.now()
    episode = await store.episodes.latest_for(hospital_no)
    assert episode is not None
    chat = await store.channel_chats.key_for(address)
    new = NewContact(
        episode.patient_id,
        episode.id,
        chat,
        chat,
        "patient",
        None,
        locale,
        address.channel,
        address.chat,
    )
    contact = await store.contacts.link(new, ConsentDecision.GRANTED, now, via="test")
    await plan_contact(store, harness.services.scheduling, contact, now)
    return contact


async def reply_choosing(harness: BotHarness, line: RecordingLine, ending: str) -> None:
    """Reply to the last text as a patient would: with the number shown beside the option
    whose choice id ends with `ending` (or the number itself, on a 0-10 scale)."""
    chats = harness.services.store.channel_chats
    offered = await chats.offered(await chats.key_for(PHONE))
    [(position, choice)] = [(n, c) for n, c in enumerate(offered, start=1) if c.id.endswith(ending)]
    if is_number(choice.label):
        reply = choice.label
    else:
        reply = str(position)
        assert f"{position} {choice.label}" in line.texts_to(PHONE)[-1]  # what the patient saw
    await TextInbox(harness.services).receive(PHONE, reply)
    await harness.staff_settled()  # what staff are told goes in the staff lane


async def reply_number_of(harness: BotHarness, line: RecordingLine, start: str) -> None:
    """Reply to the last text with the number shown beside the option whose choice id
    starts with `start` (e.g. "md:taken:"), checking the patient saw that option."""
    chats = harness.services.store.channel_chats
    offered = await chats.offered(await chats.key_for(PHONE))
    [(position, choice)] = [
        (n, c) for n, c in enumerate(offered, start=1) if c.id.startswith(start)
    ]
    last = line.texts_to(PHONE)[-1]
    assert choice.label in last and str(position) in last  # what the patient saw
    await TextInbox(harness.services).receive(PHONE, str(position))
    await harness.staff_settled()


async def say_to_bot(harness: BotHarness, text: str) -> None:
    """Send free text from the test phone."""
    await TextInbox(harness.services).receive(PHONE, text)
    await harness.staff_settled()
