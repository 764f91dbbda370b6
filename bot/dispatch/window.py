"""Sliding windows of what a channel actually sent, against its limits.

A send counts from the moment its turn is granted (the server sees it no earlier) until its
answer came back plus the window's length (the server saw it no later than that answer), so
the server never counts more than a limit's sends in any window, whatever the latency.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

OVERALL = 30  # Telegram: thirty messages in any second
MARGIN = 0.005  # seconds added to every window: rounding, a late timer
PRIVATE_BURST = 3  # Telegram lets a private chat take a short burst over one a second
GROUP = (20, 60.0)  # Telegram: twenty messages a minute to a group


@dataclass(frozen=True)
class Limit:
    """At most `count` sends in any `seconds`."""

    count: int
    seconds: float


@dataclass(frozen=True)
class Limits:
    """A channel's limits: overall, per private chat, per group chat (a negative chat id)."""

    overall: Limit
    private: Limit | None = None
    group: Limit | None = None

    def of_chat(self, chat: str) -> Limit | None:
        """Return the limit of one chat, if any."""
        return self.group if chat.startswith("-") else self.private


def telegram_limits(per_chat_interval: float, rate: float = OVERALL) -> Limits:
    """Telegram's: 30 a second overall; with per-chat spacing, about one a second per private
    chat (a short burst allowed) and twenty a minute per group; 0 turns the per-chat ones off.
    A rate above Telegram's (a benchmark without limits) widens the overall window with it."""
    overall = Limit(max(OVERALL, math.ceil(rate)), 1.0)
    if per_chat_interval <= 0:
        return Limits(overall)
    private = Limit(PRIVATE_BURST, PRIVATE_BURST * per_chat_interval)
    return Limits(overall, private, Limit(*GROUP))


def spacing_only_limits(rate: float) -> Limits:
    """A channel with no per-second limit near `rate` (WeChat: a day's quota and each
    follower's window; the SMS providers: 3,000 requests a second): its pace is the
    spacing alone. The overall window, twice the rate, only bounds replies (their turns are
    not spaced); Telegram's thirty, with a send counted until a second after its answer,
    held these channels below their rate (a send of 20-50 ms left one send of room)."""
    return Limits(Limit(math.ceil(2 * rate), 1.0))


@dataclass
class SendWindow:
    """The sends under one limit: how many are under way, and when the answered ones ended."""

    limit: Limit
    open: int = 0
    ended: deque[float] = field(default_factory=deque)

    def wait(self, now: float) -> float:
        """Return seconds until one more send keeps within the limit (inf: until one ends)."""
        horizon = now - self.limit.seconds - MARGIN
        while self.ended and self.ended[0] <= horizon:
            self.ended.popleft()
        excess = self.open + len(self.ended) - self.limit.count
        if excess < 0:
            return 0.0
        if excess >= len(self.ended):
            return math.inf
        return self.ended[excess] - horizon

    def start(self) -> None:
        self.open += 1

    def end(self, now: float) -> None:
        self.open -= 1
        self.ended.append(now)

    def idle(self, now: float) -> bool:
        """True when nothing in the window constrains a send any more."""
        self.wait(now)  # drops the sends that left the window
        return self.open == 0 and not self.ended


@dataclass
class ChannelWindows:
    """One channel's windows: overall, and one per chat that has a limit."""

    limits: Limits
    overall: SendWindow = field(init=False)
    chats: dict[str, SendWindow] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.overall = SendWindow(self.limits.overall)

    def overall_wait(self, now: float) -> float:
        return self.overall.wait(now)

    def chat_wait(self, chat: str, now: float) -> float:
        window = self.chats.get(chat)
        return 0.0 if window is None else window.wait(now)

    def start(self, chat: str) -> None:
        """Count a send as under way from now."""
        self.overall.start()
        limit = self.limits.of_chat(chat)
        if limit is not None:
            self.chats.setdefault(chat, SendWindow(limit)).start()

    def end(self, chat: str, now: float) -> None:
        """Count a send as answered at `now`."""
        self.overall.end(now)
        window = self.chats.get(chat)
        if window is not None:
            window.end(now)

    def forget_idle(self, now: float) -> None:
        """Drop the windows of chats that no longer constrain anything."""
        self.chats = {chat: w for chat, w in self.chats.items() if not w.idle(now)}
