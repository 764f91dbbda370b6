"""What a plain-text patient reads never asks them to tap a button or send a slash command:
shared templates read neutrally, or the text channel has its own wording of them."""

from __future__ import annotations

import pytest

from bot.channels.text.inbox import TextInbox
from bot.demo.harness import BotHarness
from tests.harness import local, record, seed
from tests.text_patients import PHONE, enrol_by_phone, say_to_bot, start_with_text_line

GROUP = -1008314
BUTTONS = ("按钮", "button", "/stop", "/start", "/help")


def reads_right(text: str) -> bool:
    return not any(word in text.lower() for word in BUTTONS)


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
async def test_a_medicine_reminder_asks_for_the_number(harness: BotHarness, locale: str) -> None:
    line = await start_with_text_line(harness, GROUP)
    daily = "阿司匹林肠溶片 100mg qd 30天"
    discharged = local("2026-11-20")
    await seed(
        harness.settings, record(department="呼吸科", discharged_at=discharged, medications=daily)
    )
    await enrol_by_phone(harness, locale=locale)
    harness.clock.advance(local("2026-11-23", "08:00") - harness.clock.now())
    await harness.tick()
    reminder = line.texts_to(PHONE)[-1]
    assert "阿司匹林肠溶片" in reminder and reads_right(reminder)
    assert ("数字" if locale == "zh_CN" else "number") in reminder


async def test_a_checkin_and_a_reply_out_of_turn_read_right(harness: BotHarness) -> None:
    line = await start_with_text_line(harness, GROUP)
    await seed(harness.settings, record(department="呼吸科", discharged_at=local("2026-11-20")))
    await enrol_by_phone(harness)
    harness.clock.advance(local("2026-11-23") - harness.clock.now())
    await harness.tick()
    await TextInbox(harness.services).receive(PHONE, "投诉")
    await TextInbox(harness.services).receive(PHONE, "停止")  # ends the complaint dialog
    await say_to_bot(harness, "帮助")
    assert all(reads_right(text) for text in line.texts_to(PHONE)), line.texts_to(PHONE)


async def test_telegram_keeps_its_own_words(harness: BotHarness) -> None:
    rendered = harness.services.renderer.render(
        "medication/reminder", "zh_CN", drug="药", dose="", time="08:00"
    )
    assert "按钮" in rendered
    assert harness.services.renderer.for_channel("common/use_buttons", "telegram", "zh_CN") == (
        "common/use_buttons"
    )
