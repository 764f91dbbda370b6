"""Voice notes, photos, files, videos, stickers, locations, contacts… from a patient's chat:
in the complaint dialog a photo is the complaint's; otherwise each is relayed to staff,
recorded and acknowledged (bot.services.inbox). Nothing is silently dropped."""

from __future__ import annotations

from telegram import Message, Update

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.conversations.complaint import take_case_text
from bot.channels.telegram.handlers.replies import send
from bot.domain.channel_messages import Original, telegram_chat
from bot.domain.dialogs import DialogKind, DialogStep
from bot.domain.patient_messages import PatientMessage
from bot.domain.patient_messages import PatientMessageKind as Kind
from bot.services.inbox import take_patient_message
from bot.services.triage_actions import take_alarming_text

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
NOT_NOW_DIALOGS = (DialogKind.ENROL, DialogKind.TEMPLATE)  # they wait for typed words


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
    """Take anything but text from a private chat; a caption is triaged as typed words are."""
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    state = await context.services.store.dialogs.get(chat.id)
    if message.caption and not (state and state.kind == DialogKind.TEMPLATE):
        await take_alarming_text(context.services, chat.id, message.caption)  # "伤口流血不止"
    if state and state.kind == DialogKind.CASE and message.photo and state.step == DialogStep.TEXT:
        await take_case_text(update, context, state)  # the complaint's photo, its caption the text
    elif state and state.kind in NOT_NOW_DIALOGS:
        await send(context, chat.id, "inbox/media_not_now")
    else:
        await take_patient_message(context.services, chat.id, patient_message_of(message))
