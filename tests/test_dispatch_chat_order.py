"""A person reads the messages of one batch in the order they were due: the dispatcher sends
the next message to a chat only once the one before it has been answered by the platform."""

from __future__ import annotations

import asyncio

from bot.demo.fake_telegram import Hold
from bot.demo.harness import BotHarness
from tests.harness import enrol, local, record, seed

CHAT = 889
LONG_TERM = "阿司匹林肠溶片 100mg qd 长期"


async def test_a_chats_second_message_waits_for_its_first_to_be_answered(
    harness: BotHarness,
) -> None:
    await seed(
        harness.settings,
        record(department="呼吸科", discharged_at=local("2026-11-20"), medications=LONG_TERM),
    )
    await enrol(harness, CHAT)
    harness.clock.advance(local("2026-12-21", "07:59") - harness.clock.now())
    await harness.tick()
    mark = len(harness.telegram.delivered_to(CHAT))
    slow = Hold("sendMessage", chat_id=CHAT)
    harness.telegram.holds.append(slow)
    harness.clock.advance(local("2026-12-21", "08:01") - harness.clock.now())
    tick = asyncio.create_task(harness.tick())  # the reminder and the monthly question
    await slow.reached.wait()
    await asyncio.sleep(0.5)  # time enough for a second send, were it not held back
    assert len(harness.telegram.delivered_to(CHAT)) == mark
    slow.release.set()
    await tick
    texts = [str(c.params["text"]) for c in harness.telegram.delivered_to(CHAT)[mark:]]
    assert len(texts) == 2
    assert harness.telegram.text_with_button(CHAT, "mc:yes") == texts[1]  # due last, read last
