"""A repository's reads run beside a writer: on SQLite they read their own snapshot instead
of waiting for the write lock (a patient's press is not held up by the dispatcher writing its
outcomes), and they see only committed rows."""

from __future__ import annotations

import asyncio

from sqlalchemy import update

from bot.demo.harness import BotHarness
from bot.storage.schema import survey_sessions
from tests.test_survey_flow import CHAT, start_checkin

NOT_WAITING = 5.0  # seconds, well under SQLite's busy timeout: a read never waits this long


async def test_a_press_reads_its_session_beside_a_writer(harness: BotHarness) -> None:
    await start_checkin(harness)
    store = harness.services.store
    before = await store.surveys.open_for_chat(CHAT)
    locale = await store.contacts.locale_of_chat(CHAT)
    async with store.engine.begin() as writer:  # holds SQLite's write lock until the end
        await writer.execute(update(survey_sessions).values(current_question="changed"))
        read = store.surveys.open_for_chat(CHAT)
        assert await asyncio.wait_for(read, NOT_WAITING) == before  # uncommitted: unseen
        assert await asyncio.wait_for(store.contacts.locale_of_chat(CHAT), NOT_WAITING) == locale
        await writer.rollback()
    assert await store.surveys.open_for_chat(CHAT) == before
