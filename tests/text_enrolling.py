"""Enrolling on the plain-text channel for tests: an invite opened from the test phone."""

from __future__ import annotations

from bot.channels.text.inbox import TextInbox
from bot.demo.harness import BotHarness
from bot.services.invitations import invite_patient
from bot.storage.audit import Actor
from tests.harness import record, seed
from tests.text_line import RecordingLine
from tests.text_patients import PHONE, start_with_text_line

GROUP = -1008312


async def invite(harness: BotHarness, hospital_no: str = "ZY001") -> str:
    """Issue an invite for a seeded patient and return its token."""
    store = harness.services.store
    issued = await invite_patient(store, hospital_no, harness.clock.now(), 30, Actor.cli())
    return issued.token


async def line_with_patient(harness: BotHarness) -> RecordingLine:
    """Start the bot with a plain-text line and one seeded patient (phone ending 8001)."""
    line = await start_with_text_line(harness, GROUP)
    await seed(harness.settings, record())
    return line


async def open_and_answer(harness: BotHarness, *replies: str) -> None:
    """Open a fresh invite from the test phone, then send the replies in order."""
    inbox = TextInbox(harness.services)
    await inbox.open_invite(PHONE, await invite(harness))
    for reply in replies:
        await inbox.receive(PHONE, reply)
