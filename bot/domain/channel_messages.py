"""Messages in neutral terms, the same on every channel: where they go (`Address`), what
they say (`Outgoing`: text, choices, media), what comes back (`Incoming`), and how a channel
refuses one (`SendFault`). Each channel adapter renders them its own way."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.domain.conversation_window import NoticeKind


class ChannelName(StrEnum):
    """The channels a contact can be reached on."""

    TELEGRAM = "telegram"
    TEXT = "text"  # plain text both ways (the core's tests; later SMS and the phone)
    WECHAT = "wechat"  # a WeChat service account (服务号)
    SMS = "sms"  # text messages by a provider's templates, answered on mobile web pages
    PHONE = "phone"  # a nurse's call: the nurse reads the questions and enters the answers


@dataclass(frozen=True)
class Address:
    """Where a message goes: a chat on a channel, optionally one thread of it (a forum topic)."""

    channel: ChannelName
    chat: str
    thread: str | None = None


@dataclass(frozen=True)
class Choice:
    """One answer the person may choose: the id comes back in an `Incoming`, the label is shown."""

    id: str
    label: str


Choices = tuple[tuple[Choice, ...], ...]  # rows of choices, left to right


class MediaKind(StrEnum):
    PHOTO = "photo"
    DOCUMENT = "document"
    VOICE = "voice"


@dataclass(frozen=True)
class Media:
    """A photo or file: the channel's own reference to it (`ref`) or its bytes (`content`)."""

    kind: MediaKind
    ref: str | None = None
    content: bytes | None = None
    filename: str | None = None


@dataclass(frozen=True)
class Original:
    """A message someone sent, as its channel holds it (to show staff a copy of it)."""

    address: Address
    ref: str


@dataclass(frozen=True)
class Outgoing:
    """A neutral message: text (Telegram's HTML subset, from a template), choices in rows,
    and optional media. Adapters that cannot show markup or buttons fall back to plain text."""

    text: str
    choices: tuple[tuple[Choice, ...], ...] = ()
    media: Media | None = None
    reply_to: str | None = None  # the channel's id of a message this one answers
    album: tuple[Media, ...] = ()  # several photos shown together, the text under the first
    copy_of: Original | None = None  # a copy of this message instead of text (Telegram's copy)
    numbered: bool = False  # show the choices numbered, so a reader may answer with a number
    notice: NoticeKind | None = None  # what a notice names it, when its choices cannot tell

    def all_choices(self) -> list[Choice]:
        """Return the choices in reading order (row after row)."""
        return [choice for row in self.choices for choice in row]


@dataclass(frozen=True)
class Incoming:
    """What a person sent: exactly one of text, a chosen choice id, media or a command."""

    address: Address
    sender: str
    text: str | None = None
    choice: str | None = None
    media: Media | None = None
    command: str | None = None


@dataclass(frozen=True)
class Sent:
    """A message the channel accepted: its own id for it (to edit or thread under later)."""

    address: Address
    ref: str


class FaultKind(StrEnum):
    """What a channel's refusal means for the send path."""

    RETRY = "retry"  # try again later (rate limit, network)
    UNREACHABLE = "unreachable"  # the person blocked us or is gone: stop writing to them
    FAILED = "failed"  # this message cannot be sent as it is


class SendFault(Exception):
    """A channel's refusal in neutral terms: `reason` is a short code for the record,
    `retry_after` the seconds the channel asked to wait (None: the send path's own backoff),
    `detail` the channel's words (never the message's content); `throttled` says the channel
    refused because it was sent too much (Telegram's 429): the whole channel then pauses, which
    a quota of one number or one day (also with a `retry_after`) must not do."""

    def __init__(
        self,
        kind: FaultKind,
        reason: str,
        retry_after: float | None = None,
        detail: str = "",
        throttled: bool = False,
    ) -> None:
        super().__init__(reason)
        self.kind, self.reason, self.retry_after, self.detail = kind, reason, retry_after, detail
        self.throttled = throttled


class SendPurpose(StrEnum):
    """Why a message is sent: recorded with it, and replies go ahead of bulk sends."""

    OUTBOX = "outbox"  # a planned message of the outbox (the dispatcher)
    REPLY = "reply"  # an answer to someone who just wrote or pressed a button
    NOTICE = "notice"  # a notice no one is waiting on (deadlines, staff alerts)
    BROADCAST = "broadcast"  # one message to many


def telegram_chat(chat_id: int, thread: int | None = None) -> Address:
    """Return the address of a Telegram chat (and forum topic)."""
    return Address(ChannelName.TELEGRAM, str(chat_id), None if thread is None else str(thread))
