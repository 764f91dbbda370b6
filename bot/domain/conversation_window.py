"""WeChat's conversation window, per chat: when a conversation message may go, and when a
notice must ask the person to write first.

A service account may send customer-service (conversation) messages only within 48 hours
after the person's last message, and at most 5 per message of theirs. Outside that, only a
notice (a template message) reaches them; what was to be said waits ("held") until they
write again. One notice stands for every message held after it, until the person answers
or NOTICE_REPEAT_AFTER passes — so a patient is not sent a notice per reminder.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

WINDOW = timedelta(hours=48)  # after the person's last message
QUOTA = 5  # conversation messages per message of theirs (the rule since 2023)
# A follow, a QR scan or a menu click allows a few messages within a minute, without
# opening the 48 hours (WeChat's rules for customer-service messages).
EVENT_WINDOW = timedelta(minutes=1)
EVENT_QUOTA = 3
NOTICE_REPEAT_AFTER = timedelta(hours=12)  # an unanswered notice is repeated no sooner
# A held message the person never wrote back for is dropped after this: it quotes what was
# to be said to them, and a month-old reminder would only confuse when it finally arrives.
HELD_KEPT = timedelta(days=30)


class WindowDecision(StrEnum):
    """What to do with the next message to a chat."""

    CONVERSE = "converse"  # send it as conversation messages now
    HOLD_AND_NOTIFY = "hold_and_notify"  # keep it, and send a notice asking them to write
    HOLD = "hold"  # keep it: a recent notice already asks them to write


@dataclass(frozen=True)
class WindowState:
    """One chat's window: the person's last message, what was sent since, the last notice
    not yet answered, and their last follow, scan or click with what was sent since it."""

    last_inbound_at: datetime | None = None
    sent_since_inbound: int = 0
    notice_sent_at: datetime | None = None
    last_event_at: datetime | None = None
    sent_since_event: int = 0

    def is_open(self, now: datetime) -> bool:
        """Say whether the 48 hours after the person's last message still run."""
        return self.last_inbound_at is not None and now < self.last_inbound_at + WINDOW

    def remaining(self, now: datetime) -> int:
        """Return how many conversation messages may still go before they act again: the
        larger of what their last message and their last follow, scan or click allow."""
        by_message = max(QUOTA - self.sent_since_inbound, 0) if self.is_open(now) else 0
        return max(by_message, self._by_event(now))

    def _by_event(self, now: datetime) -> int:
        if self.last_event_at is None or now >= self.last_event_at + EVENT_WINDOW:
            return 0
        return max(EVENT_QUOTA - self.sent_since_event, 0)

    def notice_waits(self, now: datetime) -> bool:
        """Say whether an unanswered notice went out less than NOTICE_REPEAT_AFTER ago."""
        return self.notice_sent_at is not None and now < self.notice_sent_at + NOTICE_REPEAT_AFTER


def decide(state: WindowState, now: datetime, parts: int = 1, queued: int = 0) -> WindowDecision:
    """Decide for a message of `parts` conversation messages, `queued` held ones before it."""
    if queued == 0 and parts <= state.remaining(now):
        return WindowDecision.CONVERSE
    if state.notice_waits(now):
        return WindowDecision.HOLD
    return WindowDecision.HOLD_AND_NOTIFY


class NoticeKind(StrEnum):
    """What a held message is, as its notice names it (no more: notices reach lock screens)."""

    CHECK_IN = "check_in"
    MEDICINE = "medicine"
    REEXAM = "reexam"
    EDUCATION = "education"
    STAFF_REPLY = "staff_reply"
    OTHER = "other"
