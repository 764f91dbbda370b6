"""The pacer grants a channel's turns right before each send: evenly spaced, within sliding
windows of what was sent, replies first, the whole channel paused by a throttle (only)."""

from __future__ import annotations

import asyncio
from itertools import pairwise

import pytest
from telegram.ext import ExtBot

from bot.channels.sms import aliyun
from bot.channels.telegram.transport import TelegramChannel
from bot.channels.wechat.faults import DAILY_QUOTA
from bot.channels.wechat.faults import fault_of as wechat_fault
from bot.demo.fake_telegram import FakeTelegram, Fault
from bot.dispatch.pacing import HEADROOM, URGENT_MEMORY, Pacer
from bot.dispatch.window import Limit, Limits, spacing_only_limits, telegram_limits
from bot.domain.channel_messages import Outgoing, SendFault, telegram_chat

TOKEN = "123456:" + "P" * 35


class Ticks:
    """Monotonic seconds that move only when someone sleeps."""

    def __init__(self) -> None:
        self.now = 100.0

    def read(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


def pacer_on(ticks: Ticks, rate: float = 30, limits: Limits | None = None) -> Pacer:
    return Pacer(rate, per_chat_interval=0, now=ticks.read, sleep=ticks.sleep, limits=limits)


async def granted_at(pacer: Pacer, ticks: Ticks, chat: str) -> float:
    """Take a turn for chat and return when it was granted."""
    async with pacer.turn(chat):
        return ticks.now


async def test_a_429_pauses_every_send_of_the_channel_for_retry_after() -> None:
    ticks = Ticks()
    pacer = pacer_on(ticks)
    telegram = FakeTelegram()
    telegram.faults.append(
        Fault(status=429, description="Too Many Requests", retry_after=7, chat_id=1)
    )
    bot: ExtBot[None] = ExtBot(TOKEN, request=telegram, get_updates_request=telegram)
    channel = TelegramChannel(bot)
    async with bot:
        with pytest.raises(SendFault) as refused:
            async with pacer.turn("1"):
                await channel.transmit(telegram_chat(1), Outgoing("a reminder"))
        at = ticks.now
        assert refused.value.throttled
        assert await granted_at(pacer, ticks, "2") == pytest.approx(at + 7)  # another chat


@pytest.mark.parametrize(
    "quota",
    [
        wechat_fault(DAILY_QUOTA),
        aliyun.fault("isv.BUSINESS_LIMIT_CONTROL", "触发天级流控Permits:10"),
        aliyun.fault("isv.DAY_LIMIT_CONTROL", "the account's daily total"),
    ],
    ids=["wechat daily quota", "sms number's limit", "sms daily total"],
)
async def test_a_quota_with_a_retry_after_does_not_pause_the_channel(quota: SendFault) -> None:
    ticks = Ticks()
    pacer = pacer_on(ticks)
    assert quota.retry_after is not None and not quota.throttled
    with pytest.raises(SendFault):
        async with pacer.turn("someone"):
            raise quota
    at = ticks.now
    assert await granted_at(pacer, ticks, "another") <= at + 1 / 30 + 1e-9


async def test_a_reply_takes_the_next_turn_ahead_of_the_bulk_sends_waiting() -> None:
    ticks = Ticks()
    pacer = pacer_on(ticks, rate=10)
    order: list[str] = []

    async def send(chat: str, urgent: bool = False) -> None:
        async with pacer.turn(chat, urgent=urgent):
            order.append(chat)

    bulk = [asyncio.create_task(send(f"bulk {n}")) for n in range(6)]
    await asyncio.sleep(0)  # the bulk sends wait for their turns
    await asyncio.gather(send("reply", urgent=True), *bulk)
    assert order.index("reply") <= 1  # the turn under way when it came, at most, before it
    assert sorted(order) == sorted(["reply", *(f"bulk {n}" for n in range(6))])


async def test_turns_are_spaced_evenly_and_an_idle_gap_is_not_made_up() -> None:
    ticks = Ticks()
    pacer = pacer_on(ticks, rate=10)
    first = [await granted_at(pacer, ticks, f"chat {n}") for n in range(3)]
    await ticks.sleep(5)  # idle
    after = [await granted_at(pacer, ticks, f"chat {n}") for n in range(3, 6)]
    for turns in (first, after):  # at most a quarter of a spacing made up, after an idle gap
        gaps = [b - a for a, b in pairwise(turns)]
        assert gaps == pytest.approx([0.075, 0.1])


async def test_a_send_counts_in_the_window_until_its_answer_came_back() -> None:
    ticks = Ticks()
    pacer = pacer_on(ticks, rate=1000, limits=Limits(Limit(3, 1.0)))
    answered = asyncio.Event()

    async def slow(chat: str) -> None:
        async with pacer.turn(chat):
            await answered.wait()

    under_way = [asyncio.create_task(slow(f"chat {n}")) for n in range(3)]
    fourth = asyncio.create_task(granted_at(pacer, ticks, "chat 3"))
    for _ in range(5):
        await asyncio.sleep(0)
    assert not fourth.done()  # three under way: however long they take, the fourth waits
    ended = ticks.now  # the clock moves only when someone sleeps: the answers come now
    answered.set()
    await asyncio.gather(*under_way)
    assert await fourth >= ended + 1.0  # and then a whole window after their answers


async def test_a_group_at_its_limit_does_not_hold_up_a_private_chat() -> None:
    ticks = Ticks()
    group, private = Limit(2, 60.0), Limit(3, 3.0)
    pacer = pacer_on(ticks, limits=Limits(Limit(30, 1.0), private, group))
    for _ in range(2):
        await granted_at(pacer, ticks, "-100")
    start = ticks.now
    held = asyncio.create_task(granted_at(pacer, ticks, "-100"))
    await asyncio.sleep(0)
    assert await granted_at(pacer, ticks, "42") < start + 1
    assert await held >= start + 59


async def test_a_rate_beyond_telegrams_is_not_held_to_thirty_a_second() -> None:
    ticks = Ticks()
    pacer = Pacer(1000, per_chat_interval=0, now=ticks.read, sleep=ticks.sleep)
    for n in range(100):
        await granted_at(pacer, ticks, f"chat {n}")
    assert ticks.now - 100.0 < 0.2  # a benchmark without limits


async def test_replies_go_as_soon_as_the_windows_allow_and_the_bulk_sends_make_room() -> None:
    ticks = Ticks()
    pacer = pacer_on(ticks, rate=20)
    start = ticks.now
    replies = [await granted_at_urgently(pacer, ticks, f"person {n}") for n in range(5)]
    assert replies == [start] * 5  # not spaced: the windows have room
    bulk = [await granted_at(pacer, ticks, f"chat {n}") for n in range(3)]
    gaps = [b - a for a, b in pairwise(bulk)]
    assert gaps[-1] == pytest.approx(1 / (20 - 5 - HEADROOM))  # room left for the replies
    await ticks.sleep(URGENT_MEMORY)
    later = [await granted_at(pacer, ticks, f"chat {n}") for n in range(3, 6)]
    assert [b - a for a, b in pairwise(later)][-1] == pytest.approx(1 / 20)  # full rate again


async def granted_at_urgently(pacer: Pacer, ticks: Ticks, chat: str) -> float:
    """Take an urgent turn for chat and return when it was granted."""
    async with pacer.turn(chat, urgent=True):
        return ticks.now


async def turns_while_none_answered(limits: Limits, rate: float, sends: int) -> list[float]:
    """Start `sends` sends that each wait for an answer that does not come (a slow
    platform); return when each was granted its turn, for those that were."""
    ticks = Ticks()
    pacer = pacer_on(ticks, rate=rate, limits=limits)
    granted: list[float] = []
    never = asyncio.Event()

    async def slow(chat: str) -> None:
        async with pacer.turn(chat):
            granted.append(ticks.now)
            await never.wait()

    under_way = [asyncio.create_task(slow(f"chat {n}")) for n in range(sends)]
    for _ in range(20 * sends):
        await asyncio.sleep(0)
    for task in under_way:
        task.cancel()
    await asyncio.gather(*under_way, return_exceptions=True)
    return granted


async def test_a_channel_without_a_limit_a_second_keeps_its_pace_while_sends_are_slow() -> None:
    # WeChat and SMS: with Telegram's thirty in any second, each send counted until a second
    # after its answer, slow answers held the sends below their rate
    rate, sends = 29.0, 40
    held = await turns_while_none_answered(telegram_limits(0, rate), rate, sends)
    assert len(held) == 30
    paced = await turns_while_none_answered(spacing_only_limits(rate), rate, sends)
    assert len(paced) == sends  # evenly spaced: the rate, not the window, sets the pace
    assert paced[-1] - paced[0] == pytest.approx((sends - 1 - 0.25) / rate, abs=0.01)
