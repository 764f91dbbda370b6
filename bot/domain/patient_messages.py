"""What a patient sends outside a survey answer: its kind, and how it was acknowledged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.channel_messages import Media, Original
from bot.domain.triage import Triage

# Messages of one burst get one acknowledgement: none is sent again within this window.
ACK_WINDOW = timedelta(minutes=2)


class PatientMessageKind(StrEnum):
    """What a message carries (Telegram's kinds; plain-text channels send only text)."""

    TEXT = "text"
    VOICE = "voice"
    AUDIO = "audio"
    PHOTO = "photo"
    DOCUMENT = "document"
    VIDEO = "video"
    VIDEO_NOTE = "video_note"
    STICKER = "sticker"
    ANIMATION = "animation"
    LOCATION = "location"
    CONTACT = "contact"
    OTHER = "other"  # anything newer (a poll, a dice…): still relayed as it is


class Acknowledgement(StrEnum):
    """What the patient was told about a message (one of a kind per burst)."""

    DANGER_ADVICE = "danger_advice"  # 120 / the emergency department; a nurse will call
    CONDOLENCE = "condolence"  # the handbook's words; staff confirm the death
    RECORDED = "recorded"  # recorded, who answers and by when
    EMOJI = "emoji"  # an emoji alone: received, please say in words if help is needed


@dataclass(frozen=True)
class PatientMessage:
    """One message from a patient's chat: text (or a caption), a file reference, the original
    (to copy, where the channel can) or the file itself (fetched from a channel that cannot)."""

    kind: PatientMessageKind
    text: str = ""
    file_id: str | None = None
    original: Original | None = None  # None on channels that cannot copy (plain text, WeChat)
    attachment: Media | None = None  # the file's bytes, for staff to open (WeChat's voice notes)


@dataclass(frozen=True)
class StoredMessage:
    """A patient message as recorded."""

    id: int
    patient_id: int
    contact_id: int | None
    chat_id: int
    received_at: datetime
    kind: PatientMessageKind
    text: str | None
    file_id: str | None
    triage: Triage | None
    case_id: int | None
    reply: Acknowledgement | None


def emoji_only(text: str) -> bool:
    """Say whether a text has no letters or digits at all (emoji, punctuation, spaces)."""
    stripped = text.strip()
    return bool(stripped) and not any(ch.isalnum() for ch in stripped)
