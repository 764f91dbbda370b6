"""Survey answer buttons must fit Telegram's 64 bytes of callback data (checked on loading)."""

from __future__ import annotations

from bot.domain.choices import CALLBACK_BUDGET, SESSION_ID_DIGITS, unchecked_survey_id
from bot.domain.surveys.errors import Where
from bot.domain.surveys.model import SKIP_VALUE, Question


def check_budget(question: Question, where: Where) -> None:
    """Refuse buttons whose callback data could exceed Telegram's 64 bytes."""
    values = list(question.values())
    if not question.required:
        values.append(SKIP_VALUE)
    if not values:
        return
    longest = max(values, key=len)
    data = unchecked_survey_id(10**SESSION_ID_DIGITS - 1, question.key, longest)
    size = len(data.encode())
    if size > CALLBACK_BUDGET:
        room = len(question.key) - (size - CALLBACK_BUDGET)
        raise where.error(
            "key",
            f'callback data "{data}" is {size} bytes, over {CALLBACK_BUDGET}; shorten the '
            f'question key to {room} characters or the value "{longest}"',
        )
