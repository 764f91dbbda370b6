"""Pacing: a channel's sends take turns, right before they go out.

`async with pacer.turn(chat, urgent=...)` waits for the next turn, then the send is made
inside it. Turns are spaced evenly at `rate` a second (a turn that comes late is not made
up by the next ones: no catch-up bursts), and each is checked against sliding windows of
what was actually sent (bot.dispatch.window), so the server never sees more than its limits
allow. A turn for a reply to a person (`urgent`) is granted before the bulk sends waiting;
a chat held by its own limit (a group's twenty a minute) does not hold up other chats.
Telegram's 429 (a throttled SendFault) pauses every turn of the channel for `retry_after`.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from bot.dispatch.window import ChannelWindows, Limits, telegram_limits
from bot.domain.channel_messages import SendFault

PER_CHAT_INTERVAL = 1.0  # Telegram: about one message a second to the same chat
LATE_ALLOWANCE = 0.25  # of one spacing: a turn granted this late does not delay the next


@dataclass
class Waiter:
    """A send waiting for its turn."""

    chat: str
    granted: asyncio.Future[None]


class Pacer:
    """Grants a channel's send turns; the clock is monotonic seconds, injectable for tests."""

    def __init__(
        self,
        rate: float,
        per_chat_interval: float = PER_CHAT_INTERVAL,
        now: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        limits: Limits | None = None,
    ) -> None:
        self.rate, self.now, self.sleep = rate, now, sleep
        self.windows = ChannelWindows(limits or telegram_limits(per_chat_interval, rate))
        self.paused_until = 0.0
        self._next_turn = 0.0
        self._urgent: deque[Waiter] = deque()
        self._bulk: deque[Waiter] = deque()
        self._woken = asyncio.Event()
        self._granting: asyncio.Task[None] | None = None

    @asynccontextmanager
    async def turn(self, chat: str, urgent: bool = False) -> AsyncIterator[None]:
        """Wait for a turn to send to `chat`; the send is counted until the block ends."""
        await self._wait_turn(chat, urgent)
        try:
            yield
        except SendFault as fault:
            if fault.throttled and fault.retry_after:
                self.pause(fault.retry_after)
            raise
        finally:
            self.windows.end(chat, self.now())
            self._woken.set()

    def pause(self, seconds: float) -> None:
        """Grant no turn for `seconds` from now (the channel said it was sent too much)."""
        self.paused_until = max(self.paused_until, self.now() + seconds)
        self._woken.set()

    def forget_idle_chats(self) -> None:
        """Drop per-chat windows that no longer constrain anything."""
        self.windows.forget_idle(self.now())

    async def _wait_turn(self, chat: str, urgent: bool) -> None:
        now = self.now()
        if not self._urgent and not self._bulk and self._wait(chat, now) <= 0:
            self._grant(chat, now)  # none waits ahead, and the send may go now
            return
        waiter = Waiter(chat, asyncio.get_running_loop().create_future())
        queue = self._urgent if urgent else self._bulk
        queue.append(waiter)
        self._woken.set()
        if self._granting is None or self._granting.done():
            self._granting = asyncio.create_task(self._grant_turns())
        try:
            await waiter.granted
        except asyncio.CancelledError:
            if waiter in queue:
                queue.remove(waiter)
            elif waiter.granted.done() and not waiter.granted.cancelled():
                self.windows.end(chat, self.now())  # granted, never used
            raise

    async def _grant_turns(self) -> None:
        """Grant turns while sends wait, sleeping until the next may go or something changes."""
        while self._urgent or self._bulk:
            self._woken.clear()
            delay = self._grant_one()
            if delay > 0:
                await self._nap(delay)

    def _grant_one(self) -> float:
        """Grant the next turn that may go now and return 0, else return seconds to wait."""
        now = self.now()
        channel_wait = self._channel_wait(now)
        if channel_wait > 0:
            return channel_wait
        soonest = math.inf
        for queue in (self._urgent, self._bulk):
            for waiter in queue:
                if waiter.granted.done():  # cancelled: its task takes it out of the queue
                    continue
                held = self.windows.chat_wait(waiter.chat, now)
                if held <= 0:
                    queue.remove(waiter)
                    self._grant(waiter.chat, now)
                    waiter.granted.set_result(None)
                    return 0.0
                soonest = min(soonest, held)
        return soonest

    def _channel_wait(self, now: float) -> float:
        """Return the seconds until the channel may send its next turn (0: now)."""
        gate = max(self._next_turn, self.paused_until)
        if now < gate:
            return gate - now
        return self.windows.overall_wait(now)

    def _wait(self, chat: str, now: float) -> float:
        """Return the seconds until a send to `chat` may go (0 or less: now)."""
        channel_wait = self._channel_wait(now)
        return channel_wait if channel_wait > 0 else self.windows.chat_wait(chat, now)

    def _grant(self, chat: str, now: float) -> None:
        spacing = 1.0 / self.rate
        self._next_turn = max(self._next_turn, now - LATE_ALLOWANCE * spacing) + spacing
        self.windows.start(chat)

    async def _nap(self, delay: float) -> None:
        """Sleep `delay` seconds (inf: without end), or until woken by a change."""
        woken = asyncio.ensure_future(self._woken.wait())
        if math.isinf(delay):
            await woken
            return
        slept = asyncio.ensure_future(self.sleep(delay))
        await asyncio.wait({woken, slept}, return_when=asyncio.FIRST_COMPLETED)
        woken.cancel()
        slept.cancel()
