"""How a survey question looks in Telegram: its text and its choices as inline buttons."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup

from bot.channels.telegram.transport import inline_keyboard
from bot.domain.surveys.model import Question
from bot.services.ports import Outgoing
from bot.services.survey_questions import question_choices, question_text, question_variables
from bot.templating import Renderer

__all__ = ["question_markup", "question_text", "question_variables"]


def question_markup(
    renderer: Renderer,
    locale: str,
    session_id: int,
    question: Question,
    now: datetime,
    zone: ZoneInfo,
) -> InlineKeyboardMarkup | None:
    """Return the answer buttons of a question (none for free text without a skip)."""
    choices = question_choices(renderer, locale, session_id, question, now, zone)
    return inline_keyboard(Outgoing("", choices))
