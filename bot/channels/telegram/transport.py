"""The Telegram channel: neutral messages become Bot API calls (choices as inline buttons)."""

from __future__ import annotations

import warnings

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    Message,
    MessageId,
    ReplyParameters,
)
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.warnings import PTBUserWarning

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

# A text goes through Bot.do_api_request on purpose: send_message would build a whole Message
# (a fifth of the dispatcher's CPU) for the one field kept, its id. PTB warns about that use.
warnings.filterwarnings("ignore", "Please use 'Bot.sendMessage'", PTBUserWarning)


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
            message_id = await self._call(address, message)
        except TelegramError as error:
            raise fault_of(error) from error
        return Sent(address, str(message_id))

    async def _call(self, address: Address, message: Outgoing) -> int:
        """Make the Bot API call the message needs; return the sent message's id."""
        chat = int(address.chat)
        thread = int(address.thread) if address.thread is not None else None
        reply_to = int(message.reply_to) if message.reply_to is not None else None
        if message.media is None and message.copy_of is None and not message.album:
            return await self._text(chat, thread, reply_to, message)
        sent = await self._media_or_copy(chat, thread, reply_to, message)
        return sent.message_id

    async def _text(
        self, chat: int, thread: int | None, reply_to: int | None, message: Outgoing
    ) -> int:
        """Send a text (with its buttons) as send_message does, without building a Message."""
        replying = None if reply_to is None else ReplyParameters(message_id=reply_to)
        sent = await self.bot.do_api_request(
            "sendMessage",
            api_kwargs={
                "chat_id": chat,
                "text": message.text,
                "parse_mode": ParseMode.HTML,
                "reply_markup": inline_keyboard(message),
                "message_thread_id": thread,
                "reply_parameters": replying,
            },
        )
        return int(sent["message_id"])

    async def _media_or_copy(
        self, chat: int, thread: int | None, reply_to: int | None, message: Outgoing
    ) -> Message | MessageId:
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
            raise SendFault(FaultKind.FAILED, "nothing_to_send")  # texts go through _text
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
