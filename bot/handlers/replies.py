"""The one place that turns templates into Telegram messages and keyboards."""

from __future__ import annotations

from typing import Any

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode

from bot.context import AppContext

Button = tuple[str, str]  # (label template key, callback data)


def keyboard(
    context: AppContext, rows: list[list[Button]], /, **variables: Any
) -> InlineKeyboardMarkup:
    """Build an inline keyboard whose labels are templates (rendered with variables)."""
    render = context.services.renderer.render
    locale = context.services.locale
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(render(label, locale, **variables), callback_data=data)
                for label, data in row
            ]
            for row in rows
        ]
    )


def text_of(context: AppContext, template: str, /, **variables: Any) -> str:
    """Render a message template in the configured locale."""
    return context.services.renderer.render(template, context.services.locale, **variables)


async def send(
    context: AppContext,
    chat_id: int,
    template: str,
    buttons: list[list[Button]] | None = None,
    /,
    **variables: Any,
) -> Message:
    """Send a message template to a chat, with optional buttons (labels get the variables too)."""
    markup = keyboard(context, buttons, **variables) if buttons else None
    text = text_of(context, template, **variables)
    return await context.bot.send_message(
        chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup
    )


async def settle(query: CallbackQuery) -> None:
    """Acknowledge a button press and take the buttons off its message."""
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)


async def refuse_button(context: AppContext, query: CallbackQuery) -> None:
    """Answer a stale, foreign or forged button politely, changing nothing."""
    await query.answer(text_of(context, "common/question_closed"), show_alert=False)
