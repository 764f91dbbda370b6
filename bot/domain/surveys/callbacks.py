"""Callback data of answer buttons, within Telegram's 64 bytes."""

from __future__ import annotations

import re

from bot.domain.surveys.errors import Where
from bot.domain.surveys.model import SKIP_VALUE, Question

CALLBACK_PREFIX = "sv"
CALLBACK_BUDGET = 64  # bytes of Telegram callback data
SESSION_ID_DIGITS = 10
CALLBACK_PATTERN = re.compile(r"^sv:(\d{1,10}):([a-z][a-z0-9_]{0,31}):([a-z0-9_]{1,16})$")


def callback_data(session_id: int, question_key: str, value: str) -> str:
    """Return the callback data of an answer button, refusing more than 64 bytes."""
    data = f"{CALLBACK_PREFIX}:{session_id}:{question_key}:{value}"
    if not 0 <= session_id < 10**SESSION_ID_DIGITS or len(data.encode()) > CALLBACK_BUDGET:
        raise ValueError(f"callback data {data!r} does not fit in {CALLBACK_BUDGET} bytes")
    return data


def parse_callback_data(data: str) -> tuple[int, str, str] | None:
    """Return (session id, question key, value) from an answer button's data, if well-formed."""
    match = CALLBACK_PATTERN.match(data)
    if match is None:
        return None
    return int(match.group(1)), match.group(2), match.group(3)


def check_budget(question: Question, where: Where) -> None:
    """Refuse buttons whose callback data could exceed Telegram's 64 bytes."""
    values = list(question.values())
    if not question.required:
        values.append(SKIP_VALUE)
    if not values:
        return
    longest = max(values, key=len)
    data = f"{CALLBACK_PREFIX}:{'9' * SESSION_ID_DIGITS}:{question.key}:{longest}"
    size = len(data.encode())
    if size > CALLBACK_BUDGET:
        room = len(question.key) - (size - CALLBACK_BUDGET)
        raise where.error(
            "key",
            f'callback data "{data}" is {size} bytes, over {CALLBACK_BUDGET}; shorten the '
            f'question key to {room} characters or the value "{longest}"',
        )
