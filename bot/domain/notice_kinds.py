"""What a message is, for the notice that tells a person it waits (WeChat's, an SMS)."""

from __future__ import annotations

from bot.domain.channel_messages import Outgoing
from bot.domain.choices import Prefix
from bot.domain.conversation_window import NoticeKind
from bot.domain.messages import MessageKind

KINDS_BY_PREFIX = {
    Prefix.SURVEY: NoticeKind.CHECK_IN,
    Prefix.KEEP_ASKING: NoticeKind.CHECK_IN,
    Prefix.MEDICATION: NoticeKind.MEDICINE,
    Prefix.STILL_TAKING: NoticeKind.MEDICINE,
    Prefix.REEXAM: NoticeKind.REEXAM,
    Prefix.VISIT_DATE: NoticeKind.REEXAM,
    Prefix.CASE_PATIENT: NoticeKind.STAFF_REPLY,
}

# What a scheduled message is, by its outbox row's kind (a plain message or a broadcast: by
# its choices). A tip has no choices to tell it by: only its row knows it is education.
KINDS_BY_MESSAGE = {
    MessageKind.CHECKIN: NoticeKind.CHECK_IN,
    MessageKind.KEEP_ASKING: NoticeKind.CHECK_IN,
    MessageKind.EDUCATION: NoticeKind.EDUCATION,
    MessageKind.MEDICATION_TIP: NoticeKind.EDUCATION,
    MessageKind.MEDICATION: NoticeKind.MEDICINE,
    MessageKind.MEDICATION_CHECK: NoticeKind.MEDICINE,
    MessageKind.REEXAM_REMINDER: NoticeKind.REEXAM,
}

# What matters most to the person, last: an unread notice of a lesser kind does not hold
# back a notice of a greater one (a tip must not hide the check-in sent after it).
RANK = (
    NoticeKind.OTHER,
    NoticeKind.EDUCATION,
    NoticeKind.MEDICINE,
    NoticeKind.REEXAM,
    NoticeKind.CHECK_IN,
    NoticeKind.STAFF_REPLY,
)


def outranks(kind: NoticeKind, other: NoticeKind) -> bool:
    """Say whether a notice of `kind` matters more than one of `other`."""
    return RANK.index(kind) > RANK.index(other)


def scheduled_notice(kind: MessageKind) -> NoticeKind | None:
    """Return what a scheduled message of this kind is, when its kind tells (else None)."""
    return KINDS_BY_MESSAGE.get(kind)


def notice_kind(message: Outgoing) -> NoticeKind:
    """Tell what a message is: as it says, else from its choices' prefixes (else OTHER)."""
    if message.notice is not None:
        return message.notice
    for choice in message.all_choices():
        prefix = choice.id.split(":", 1)[0]
        if prefix in Prefix.__members__.values():
            kind = KINDS_BY_PREFIX.get(Prefix(prefix))
            if kind is not None:
                return kind
    return NoticeKind.OTHER
