"""The Bot API's flood limiter: every new message takes a turn of the channel's pacer.

The dispatcher and the send path take their turn themselves (bot.dispatch.pacing) before a
message goes out; a message sent another way (a conversation answering in place) takes an
urgent turn here, so that all of them are counted in the same windows and a reply is never
queued twice. Calls that send no new message (button answers, edits, menus, getUpdates) go
straight through. A 429 on a call made outside a turn pauses the pacer for `retry_after`, and
the call is tried again, a bounded number of times (inside a turn, the send path handles it).
PTB's AIORateLimiter was weighed and dropped: it kept a second, separate 30-a-second queue, so
a patient's reply waited behind bulk sends that the pacer had already let go.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.channels.telegram.faults import fault_of
from bot.dispatch.pacing import Pacer, in_turn

log = logging.getLogger(__name__)
MAX_RETRIES = 3
NEW_MESSAGES = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendAudio",
        "sendVoice",
        "sendVideo",
        "sendAnimation",
        "sendSticker",
        "sendLocation",
        "sendContact",
        "sendPoll",
        "sendMediaGroup",
        "copyMessage",
        "copyMessages",
        "forwardMessage",
        "forwardMessages",
    }
)

Answer = bool | dict[str, Any] | list[dict[str, Any]]


class PacedLimiter(BaseRateLimiter[int]):
    """Sends new messages inside a turn of the pacer attached once the channels are open."""

    def __init__(self, max_retries: int = MAX_RETRIES) -> None:
        self.max_retries = max_retries
        self.pacer: Pacer | None = None

    def attach(self, pacer: Pacer) -> None:
        """Use this pacer from now on (until then, calls go straight through)."""
        self.pacer = pacer

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Answer]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Answer:
        """Make the call, inside an urgent turn when it sends a new message outside one."""
        if self.pacer is None or in_turn():
            return await callback(*args, **kwargs)  # a 429 here is the send path's to handle
        chat = data.get("chat_id") if endpoint in NEW_MESSAGES else None
        retries = self.max_retries if rate_limit_args is None else rate_limit_args
        for attempt in range(retries + 1):
            try:
                if chat is None:
                    return await callback(*args, **kwargs)
                async with self.pacer.turn(str(chat), urgent=True):
                    return await callback(*args, **kwargs)
            except RetryAfter as error:
                if attempt == retries:
                    raise
                wait = fault_of(error).retry_after or 0.0
                log.info("Telegram asked to wait %s s before %s", wait, endpoint)
                self.pacer.pause(wait)
                await self.pacer.until_resumed()
        raise AssertionError("unreachable: the last attempt returns or raises")
