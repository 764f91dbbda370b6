"""The Bot API's flood limiter: a message sent around the send path takes a turn of the same
pacer (no second queue), a send inside a turn takes none, calls that send no message go
straight through, and a 429 outside a turn pauses the pacer and is tried again."""

from __future__ import annotations

import asyncio

import pytest
from telegram.error import RetryAfter
from telegram.ext import ExtBot

from bot.channels.telegram.flood import PacedLimiter
from bot.demo.fake_telegram import FakeTelegram, Fault
from bot.dispatch.pacing import Pacer
from bot.dispatch.window import Limit, Limits
from tests.test_pacing import Ticks

TOKEN = "123456:" + "F" * 35


def paced_bot(ticks: Ticks, telegram: FakeTelegram) -> tuple[ExtBot[int], Pacer]:
    """A bot whose calls go through the limiter, and its pacer (one send in any second)."""
    one_a_second = Limits(Limit(1, 1.0))
    pacer = Pacer(1, per_chat_interval=0, now=ticks.read, sleep=ticks.sleep, limits=one_a_second)
    limiter = PacedLimiter()
    limiter.attach(pacer)
    bot: ExtBot[int] = ExtBot(
        TOKEN, request=telegram, get_updates_request=telegram, rate_limiter=limiter
    )
    return bot, pacer


async def test_messages_sent_outside_a_turn_take_the_pacers_turns() -> None:
    ticks, telegram = Ticks(), FakeTelegram()
    bot, _ = paced_bot(ticks, telegram)
    async with bot:
        start = ticks.now
        await bot.send_message(1, "first")
        await bot.send_message(2, "second")
    assert ticks.now >= start + 1  # the second waited for the first to leave the window
    assert [c.params["text"] for c in telegram.sent()] == ["first", "second"]


async def test_a_send_inside_a_turn_takes_no_second_turn() -> None:
    ticks, telegram = Ticks(), FakeTelegram()
    bot, pacer = paced_bot(ticks, telegram)
    async with bot:
        start = ticks.now
        async with pacer.turn("1"):  # a second turn would wait for this one: for ever
            await asyncio.wait_for(bot.send_message(1, "a reminder"), timeout=5)
    assert ticks.now == start  # a second turn would have waited for the window
    assert len(telegram.sent(1)) == 1


async def test_calls_that_send_no_message_go_straight_through_a_pause() -> None:
    ticks, telegram = Ticks(), FakeTelegram()
    bot, pacer = paced_bot(ticks, telegram)
    async with bot:
        pacer.pause(60)
        start = ticks.now
        await bot.answer_callback_query("a-press")
        await bot.edit_message_text("edited", chat_id=1, message_id=1)
    assert ticks.now == start
    assert [c.method for c in telegram.calls] == ["getMe", "answerCallbackQuery", "editMessageText"]


async def test_a_429_outside_a_turn_pauses_the_pacer_and_is_tried_again() -> None:
    ticks, telegram = Ticks(), FakeTelegram()
    telegram.faults.append(Fault(status=429, description="Too Many Requests", retry_after=7))
    bot, pacer = paced_bot(ticks, telegram)
    async with bot:
        start = ticks.now
        await bot.send_message(1, "an answer")
        assert ticks.now >= start + 7
        assert pacer.paused_until == pytest.approx(start + 7)
    assert [c.params["text"] for c in telegram.calls if c.method == "sendMessage"] == [
        "an answer",
        "an answer",
    ]


async def test_a_429_inside_a_turn_is_left_to_the_send_path() -> None:
    ticks, telegram = Ticks(), FakeTelegram()
    telegram.faults.append(Fault(status=429, description="Too Many Requests", retry_after=7))
    bot, pacer = paced_bot(ticks, telegram)
    async with bot:
        with pytest.raises(RetryAfter):
            async with pacer.turn("1"):
                await bot.send_message(1, "a reminder")
    assert len([c for c in telegram.calls if c.method == "sendMessage"]) == 1
