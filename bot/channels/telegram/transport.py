"""The Telegram channel: neutral messages become Bot API calls (choices as inline buttons)."""

from __future__ import annotations

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.dispatch.faults import Verdict, classify
from bot.services.ports import (
    Address,
    ChannelName,
    FaultKind,
    MediaKind,
    Outgoing,
    SendFault,
    Sent,
)

FAULT_KINDS = {
    Verdict.RETRY: FaultKind.RETRY,
    Verdict.UNREACHABLE: FaultKind.UNREACHABLE,
    Verdict.FAILED: FaultKind.FAILED,
}


def inline_keyboard(message: Outgoing) -> InlineKeyboardMarkup | None:
    """Render a message's choices as inline buttons whose callback data is the choice id."""
    if not message.choices:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(choice.label, callback_data=choice.id) for choice in row]
            for row in message.choices
        ]
    )


def fault_of(error: TelegramError) -> SendFault:
    """Translate a Bot API error into the send path's neutral terms."""
    outcome = classify(error, 1)
    retry_after = outcome.delay.total_seconds() if outcome.reason == "rate_limited" else None
    return SendFault(FAULT_KINDS[outcome.verdict], outcome.reason, retry_after)


class TelegramChannel:
    """Delivers neutral messages through a Bot."""

    name = ChannelName.TELEGRAM

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def transmit(self, address: Address, message: Outgoing) -> Sent:
        """Send one message now; raise SendFault when Telegram refuses it."""
        try:
            sent = await self._call(address, message)
        except TelegramError as error:
            raise fault_of(error) from error
        return Sent(address, str(sent.message_id))

    async def _call(self, address: Address, message: Outgoing) -> Message:
        chat = int(address.chat)
        thread = int(address.thread) if address.thread is not None else None
        reply_to = int(message.reply_to) if message.reply_to is not None else None
        media = message.media
        if media is None:
            return await self.bot.send_message(
                chat,
                message.text,
                parse_mode=ParseMode.HTML,
                reply_markup=inline_keyboard(message),
                message_thread_id=thread,
                reply_to_message_id=reply_to,
            )
        content = media.content if media.content is not None else media.ref
        if content is None:
            raise SendFault(FaultKind.FAILED, "media_without_content")
        if media.kind is MediaKind.PHOTO:
            return await self.bot.send_photo(
                chat,
                content,
                caption=message.text or None,
                parse_mode=ParseMode.HTML,
                reply_markup=inline_keyboard(message),
                message_thread_id=thread,
                reply_to_message_id=reply_to,
            )
        return await self.bot.send_document(
            chat,
            content,
            filename=media.filename,
            caption=message.text or None,
            parse_mode=ParseMode.HTML,
            reply_markup=inline_keyboard(message),
            message_thread_id=thread,
            reply_to_message_id=reply_to,
        )
