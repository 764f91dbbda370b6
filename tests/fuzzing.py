"""Helpers of the fuzz tests: one running bot kept across examples, and message checks."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from hypothesis import HealthCheck

from bot.demo.fake_telegram import Call
from bot.demo.harness import BotHarness
from bot.domain.telegram_html import visible_text
from tests.harness import START, make_settings

T = TypeVar("T")
SLOW_OK = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
STAFF_GROUP = -100777
APOLOGY = "系统暂时出了点问题"  # the start of common/error: a handler failed
MAX_TEXT, MAX_CAPTION, MAX_ALERT = 4096, 1024, 200
TEXTS = ("sendMessage", "editMessageText")
CAPTIONS = ("sendPhoto", "sendDocument", "editMessageCaption")


class LiveBot:
    """The real Application on its own event loop, reused by every example of a test."""

    def __init__(self, folder: Path) -> None:
        self.loop = asyncio.new_event_loop()
        database = f"sqlite+aiosqlite:///{folder}/followup.db"  # checked with SQLite's PRAGMAs
        settings = make_settings(folder, database_url=database, staff_chat_id=STAFF_GROUP)
        self.harness = BotHarness(settings, START)

    def run(self, step: Coroutine[Any, Any, T]) -> T:
        """Run one coroutine on the bot's loop."""
        return self.loop.run_until_complete(step)

    def calls_since(self, count: int) -> list[Call]:
        """Return the Bot API calls made after the first `count`."""
        return self.harness.telegram.calls[count:]


@contextmanager
def live_bot(folder: Path) -> Iterator[LiveBot]:
    """Start the bot once; stop it and close its loop at the end."""
    bot = LiveBot(folder)
    bot.run(bot.harness.start())
    try:
        yield bot
    finally:
        bot.run(bot.harness.stop())
        bot.loop.close()


def check_message(html: str, limit: int = MAX_TEXT) -> str:
    """A text sent with parse_mode HTML: Telegram parses it, it is not empty, within limit.

    The limit counts characters of the text shown (entities decoded, ends stripped), as the
    Bot API does; `&amp;` is one character.
    """
    shown = visible_text(html)
    assert shown.strip(), f"empty message: {html[:200]!r}"
    assert len(shown.strip()) <= limit, f"{len(shown.strip())} characters shown"
    return shown


def check_sent(calls: list[Call]) -> list[str]:
    """Check every message, caption and alert among calls; return the texts users see."""
    seen = []
    for call in calls:
        params = call.params
        if call.method in TEXTS or (call.method in CAPTIONS and params.get("caption")):
            text = str(params["text"] if call.method in TEXTS else params["caption"])
            limit = MAX_TEXT if call.method in TEXTS else MAX_CAPTION
            if params.get("parse_mode") == "HTML":
                seen.append(check_message(text, limit))
            else:
                assert text.strip() and len(text) <= limit, text[:200]
                seen.append(text)
        elif call.method == "answerCallbackQuery" and params.get("text"):
            assert len(str(params["text"])) <= MAX_ALERT
            seen.append(str(params["text"]))
    assert not [text for text in seen if APOLOGY in text], "a handler failed"
    return seen
