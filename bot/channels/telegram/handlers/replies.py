"""The one place that turns templates into Telegram messages and keyboards.

`send` writes to a chat in that chat's language (a patient's own, else the hospital's);
`text_of` and `keyboard` write in the hospital's language, for staff.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.constants import ChatType

from bot.channels.telegram.context import AppContext
from bot.domain.channel_messages import Choices, Outgoing, SendPurpose, Sent, telegram_chat
from bot.services.languages import locale_of_chat
from bot.services.messaging import rendered_choices, say, say_in
from bot.templating import Renderer

Button = tuple[str, str]  # (label template key, callback data)


def markup_in(
    renderer: Renderer, locale: str, rows: list[list[Button]], variables: dict[str, Any]
) -> InlineKeyboardMarkup:
    """Build an inline keyboard whose labels are templates rendered in a locale."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    renderer.render(label, locale, **variables), callback_data=data
                )
                for label, data in row
            ]
            for row in rows
        ]
    )


def keyboard(
    context: AppContext, rows: list[list[Button]], /, **variables: Any
) -> InlineKeyboardMarkup:
    """Build an inline keyboard in the hospital's language (for staff)."""
    return markup_in(context.services.renderer, context.services.locale, rows, variables)


def choices_of(context: AppContext, rows: list[list[Button]], /, **variables: Any) -> Choices:
    """Build choices whose labels are templates in the hospital's language (for staff)."""
    return rendered_choices(context.services.renderer, context.services.locale, rows, variables)


async def send_text(
    context: AppContext,
    chat_id: int,
    message: Outgoing,
    purpose: SendPurpose = SendPurpose.REPLY,
) -> Sent | None:
    """Send a message already rendered to a chat through the send path."""
    return await context.services.sender.send(telegram_chat(chat_id), message, purpose)


async def answer_message(context: AppContext, to: Message, message: Outgoing) -> Sent | None:
    """Answer a message as Telegram's reply does: in its topic, quoting it outside private chats."""
    thread = to.message_thread_id if to.is_topic_message else None
    quoted = None if to.chat.type == ChatType.PRIVATE else str(to.message_id)
    address = telegram_chat(to.chat.id, thread)
    return await context.services.sender.send(address, replace(message, reply_to=quoted))


def text_of(context: AppContext, template: str, /, **variables: Any) -> str:
    """Render a message template in the hospital's language (for staff)."""
    return context.services.renderer.render(template, context.services.locale, **variables)


async def chat_locale(context: AppContext, chat_id: int) -> str:
    """Return the language to write to this chat in."""
    return await locale_of_chat(context.services.store, context.services.settings, chat_id)


async def send(
    context: AppContext,
    chat_id: int,
    template: str,
    buttons: list[list[Button]] | None = None,
    /,
    **variables: Any,
) -> Sent | None:
    """Send a message template to a chat in its language, with optional buttons."""
    return await say(context.services, chat_id, template, buttons, **variables)


async def send_in(
    context: AppContext,
    locale: str,
    chat_id: int,
    template: str,
    buttons: list[list[Button]] | None = None,
    /,
    **variables: Any,
) -> Sent | None:
    """Send a message template to a chat in the given locale (labels get the variables too)."""
    return await say_in(context.services, locale, chat_id, template, buttons, **variables)


async def settle(query: CallbackQuery) -> None:
    """Acknowledge a button press and take the buttons off its message."""
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)


async def refuse_button(context: AppContext, query: CallbackQuery) -> None:
    """Answer a stale, foreign or forged button politely (in the presser's language)."""
    chat = query.message.chat.id if query.message is not None else None
    locale = await chat_locale(context, chat) if chat is not None else context.services.locale
    text = context.services.renderer.render("common/question_closed", locale)
    await query.answer(text, show_alert=False)
