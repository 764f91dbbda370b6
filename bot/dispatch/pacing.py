"""Pacing: at most `rate` messages a second overall and one a second per private chat."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
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
    _chat_next: dict[int, float] = field(default_factory=dict)

    def reserve(self, chat_id: int) -> float:
        """Reserve the earliest slot for chat_id and return its time."""
        start = max(self.now(), self._next_slot, self._chat_next.get(chat_id, 0.0))
        self._next_slot = start + 1.0 / self.rate
        self._chat_next[chat_id] = start + self.per_chat_interval
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
