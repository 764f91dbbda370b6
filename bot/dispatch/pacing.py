"""Pacing: at most `rate` messages a second overall and one a second per private chat.

The dispatcher's bulk sends and the send path's replies share one Pacer per channel. A reply
to a person goes ahead of the queued bulk sends: it takes the next free reply slot (replies
are spaced at the overall rate among themselves) and pushes the bulk queue back by one slot,
so together they keep to the rate; the per-chat spacing it leaves holds bulk sends to that
chat back, while a reply itself is not held by it (a short burst to someone who just wrote
is what Telegram allows).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field

PER_CHAT_INTERVAL = 1.0  # Telegram: about one message a second to the same chat


@dataclass
class Pacer:
    """Hands out send slots; the clock is monotonic seconds, injectable for benchmarks."""

    rate: float
    per_chat_interval: float = PER_CHAT_INTERVAL
    now: Callable[[], float] = time.monotonic
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    _next_slot: float = 0.0
    _next_reply: float = 0.0
    _chat_next: dict[Hashable, float] = field(default_factory=dict)

    def reserve(self, chat: Hashable) -> float:
        """Reserve the earliest bulk slot for a chat and return its time."""
        start = max(self.now(), self._next_slot, self._chat_next.get(chat, 0.0))
        self._next_slot = start + 1.0 / self.rate
        self._chat_next[chat] = start + self.per_chat_interval
        return start

    def reserve_reply(self, chat: Hashable) -> float:
        """Reserve a slot for a reply to a person, ahead of the queued bulk sends."""
        now = self.now()
        start = max(now, self._next_reply)
        self._next_reply = start + 1.0 / self.rate
        self._next_slot = max(self._next_slot, now) + 1.0 / self.rate
        self._chat_next[chat] = max(self._chat_next.get(chat, 0.0), start + self.per_chat_interval)
        return start

    async def wait_for(self, slot: float) -> None:
        """Sleep until slot."""
        delay = slot - self.now()
        if delay > 0:
            await self.sleep(delay)

    def forget_idle_chats(self) -> None:
        """Drop per-chat memory that no longer constrains anything."""
        now = self.now()
        self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}
