"""Voice notes, photos, files, videos, stickers, locations, contacts… from a patient's
Telegram chat, described as a PatientMessage for bot.services.patient_media."""

from __future__ import annotations

from telegram import Message, Update

from bot.channels.telegram.context import AppContext
from bot.domain.channel_messages import Original, telegram_chat
from bot.domain.patient_messages import PatientMessage
from bot.domain.patient_messages import PatientMessageKind as Kind
from bot.services.patient_media import take_patient_media

# Checked in this order: an animation also carries a document, a venue a location.
FILE_KINDS = (
    (Kind.ANIMATION, "animation"),
    (Kind.VOICE, "voice"),
    (Kind.AUDIO, "audio"),
    (Kind.DOCUMENT, "document"),
    (Kind.VIDEO, "video"),
    (Kind.VIDEO_NOTE, "video_note"),
    (Kind.STICKER, "sticker"),
)


def patient_message_of(message: Message) -> PatientMessage:
    """Describe a Telegram message in neutral terms: its kind, words, file and original."""
    original = Original(telegram_chat(message.chat.id), str(message.message_id))
    words = message.caption or ""
    if message.photo:
        return PatientMessage(Kind.PHOTO, words, message.photo[-1].file_id, original)
    for kind, attribute in FILE_KINDS:
        attached = getattr(message, attribute)
        if attached is not None:
            return PatientMessage(kind, words, attached.file_id, original)
    if message.location is not None:
        where = f"{message.location.latitude:.5f},{message.location.longitude:.5f}"
        return PatientMessage(Kind.LOCATION, where, None, original)
    if message.contact is not None:
        card = message.contact
        return PatientMessage(
            Kind.CONTACT, f"{card.first_name} {card.phone_number}", None, original
        )
    return PatientMessage(Kind.OTHER, words, None, original)


async def on_private_media(update: Update, context: AppContext) -> None:
    """Take anything but text from a private chat (bot.services.patient_media)."""
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    await take_patient_media(context.services, chat.id, patient_message_of(message))
