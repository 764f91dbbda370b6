"""The Telegram channel: neutral messages become Bot API calls (choices as inline buttons)."""

from __future__ import annotations

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    Message,
    MessageId,
)
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.channels.telegram.faults import fault_of
from bot.domain.channel_messages import (
    Address,
    ChannelName,
    Choice,
    FaultKind,
    Media,
    MediaKind,
    Outgoing,
    SendFault,
    Sent,
)


def inline_keyboard(message: Outgoing) -> InlineKeyboardMarkup | None:
    """Render a message's choices as inline buttons whose callback data is the choice id."""
    if not message.choices:
        return None
    numbers = iter(range(1, len(message.all_choices()) + 1))

    def label(choice: Choice) -> str:
        return f"{next(numbers)}. {choice.label}" if message.numbered else choice.label

    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label(choice), callback_data=choice.id) for choice in row]
            for row in message.choices
        ]
    )


def content_of(media: Media) -> str | bytes:
    """Return what the Bot API takes for a photo or file: its bytes or Telegram's file id."""
    content = media.content if media.content is not None else media.ref
    if content is None:
        raise SendFault(FaultKind.FAILED, "media_without_content")
    return content


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

    async def _call(self, address: Address, message: Outgoing) -> Message | MessageId:
        chat = int(address.chat)
        thread = int(address.thread) if address.thread is not None else None
        reply_to = int(message.reply_to) if message.reply_to is not None else None
        media = message.media
        if message.copy_of is not None:  # a person's own message, shown again as it was
            return await self.bot.copy_message(
                chat,
                int(message.copy_of.address.chat),
                int(message.copy_of.ref),
                message_thread_id=thread,
                reply_to_message_id=reply_to,
            )
        if message.album:
            return await self._album(chat, thread, message)
        if media is None:
            return await self.bot.send_message(
                chat,
                message.text,
                parse_mode=ParseMode.HTML,
                reply_markup=inline_keyboard(message),
                message_thread_id=thread,
                reply_to_message_id=reply_to,
            )
        content = content_of(media)
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

    async def _album(self, chat: int, thread: int | None, message: Outgoing) -> Message:
        """Send several photos as one album, the text as the first one's caption."""
        captions = [message.text or None] + [None] * (len(message.album) - 1)
        photos = [
            InputMediaPhoto(content_of(media), caption=caption, parse_mode=ParseMode.HTML)
            if caption
            else InputMediaPhoto(content_of(media))
            for media, caption in zip(message.album, captions, strict=True)
        ]
        sent = await self.bot.send_media_group(chat, photos, message_thread_id=thread)
        return sent[0]
