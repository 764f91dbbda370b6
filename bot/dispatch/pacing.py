"""Pacing: a channel's sends take turns, right before they go out.

`async with pacer.turn(chat, urgent=...)` waits for the next turn, then the send is made
inside it. Every turn is checked against sliding windows of what was actually sent
(bot.dispatch.window), so the server never sees more than its limits allow. Bulk turns are
spaced evenly at `rate` a second (a turn that comes late is not made up by the next ones: no
catch-up bursts). A turn for a reply to a person (`urgent`) is granted as soon as the
windows allow, before the bulk sends waiting; while people are being answered the bulk sends
slow down to leave the windows room for them (what was granted urgently in the last second,
and HEADROOM more), so a reply seldom waits at all. A chat held by its own limit (a group's
twenty a minute) does not hold up other chats.
Telegram's 429 (a throttled SendFault) pauses every turn of the channel for `retry_after`.
Inside a turn `in_turn()` is true, so the Bot API's flood limiter (bot.channels.telegram.flood)
does not take a second turn for the same send.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from bot.dispatch.window import ChannelWindows, Limits, telegram_limits
from bot.domain.channel_messages import SendFault

PER_CHAT_INTERVAL = 1.0  # Telegram: about one message a second to the same chat
LATE_ALLOWANCE = 0.25  # of one spacing: a turn granted this late does not delay the next
HEADROOM = 3.0  # turns a second the bulk sends leave free while people are being answered
URGENT_MEMORY = 1.0  # seconds: urgent turns granted this recently slow the bulk sends
_IN_TURN: ContextVar[bool] = ContextVar("in_turn", default=False)


def in_turn() -> bool:
    """Say whether the running code sends inside a turn already granted."""
    return _IN_TURN.get()


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
        self._urgent_granted: deque[float] = deque()
        self._urgent: deque[Waiter] = deque()
        self._bulk: deque[Waiter] = deque()
        self._woken = asyncio.Event()
        self._granting: asyncio.Task[None] | None = None

    @asynccontextmanager
    async def turn(self, chat: str, urgent: bool = False) -> AsyncIterator[None]:
        """Wait for a turn to send to `chat`; the send is counted until the block ends."""
        await self._wait_turn(chat, urgent)
        token = _IN_TURN.set(True)
        try:
            yield
        except SendFault as fault:
            if fault.throttled and fault.retry_after:
                self.pause(fault.retry_after)
            raise
        finally:
            _IN_TURN.reset(token)
            self.windows.end(chat, self.now())
            self._woken.set()

    def pause(self, seconds: float) -> None:
        """Grant no turn for `seconds` from now (the channel said it was sent too much)."""
        self.paused_until = max(self.paused_until, self.now() + seconds)
        self._woken.set()

    async def until_resumed(self) -> None:
        """Wait until a pause has ended."""
        while (left := self.paused_until - self.now()) > 0:
            await self.sleep(left)

    def forget_idle_chats(self) -> None:
        """Drop per-chat windows that no longer constrain anything."""
        self.windows.forget_idle(self.now())

    async def _wait_turn(self, chat: str, urgent: bool) -> None:
        now = self.now()
        if not self._urgent and not self._bulk and self._wait(chat, now, urgent) <= 0:
            self._grant(chat, now, urgent)  # none waits ahead, and the send may go now
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
        soonest = self._grant_from(self._urgent, now, urgent=True)
        if soonest <= 0:
            return 0.0
        if now < self._next_turn:
            return min(soonest, self._next_turn - now)
        return min(soonest, self._grant_from(self._bulk, now, urgent=False))

    def _grant_from(self, queue: deque[Waiter], now: float, urgent: bool) -> float:
        """Grant the first waiter of queue whose chat may take a send now and return 0,
        else return seconds until one may (inf: none waits)."""
        soonest = math.inf
        for waiter in queue:
            if waiter.granted.done():  # cancelled: its task takes it out of the queue
                continue
            held = self.windows.chat_wait(waiter.chat, now)
            if held <= 0:
                queue.remove(waiter)
                self._grant(waiter.chat, now, urgent)
                waiter.granted.set_result(None)
                return 0.0
            soonest = min(soonest, held)
        return soonest

    def _channel_wait(self, now: float) -> float:
        """Return the seconds until the channel may send anything (0: now)."""
        if now < self.paused_until:
            return self.paused_until - now
        return self.windows.overall_wait(now)

    def _wait(self, chat: str, now: float, urgent: bool) -> float:
        """Return the seconds until a send to `chat` may go (0 or less: now)."""
        waits = [self._channel_wait(now), self.windows.chat_wait(chat, now)]
        if not urgent:
            waits.append(self._next_turn - now)  # bulk sends keep their spacing
        return max(waits)

    def _grant(self, chat: str, now: float, urgent: bool) -> None:
        if urgent:
            self._urgent_granted.append(now)
        else:
            spacing = 1.0 / self._bulk_rate(now)
            self._next_turn = max(self._next_turn, now - LATE_ALLOWANCE * spacing) + spacing
        self.windows.start(chat)

    def _bulk_rate(self, now: float) -> float:
        """The bulk sends' rate: `rate`, less what people's replies took lately and HEADROOM."""
        granted = self._urgent_granted
        while granted and granted[0] <= now - URGENT_MEMORY:
            granted.popleft()
        if not granted:
            return self.rate
        return max(self.rate - len(granted) / URGENT_MEMORY - HEADROOM, 1.0)

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
