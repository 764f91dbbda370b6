"""Messages planned for patients: the kinds of outbox rows, their statuses, and send outcomes."""

from __future__ import annotations

from enum import StrEnum


class MessageKind(StrEnum):
    """What an outbox row is: a plan step's kind, or a message the bot plans by itself."""

    CHECKIN = "checkin"
    EDUCATION = "education"
    REEXAM_REMINDER = "reexam_reminder"
    MEDICATION = "medication"  # a prescribed medicine's reminder
    MEDICATION_TIP = "medication_tip"  # education about medicines: no answer buttons
    MESSAGE = "message"  # a plain message (a plan's, or a broadcast's)
    MEDICATION_CHECK = "medication_check"  # "still taking it?" when a medicine's course ends
    KEEP_ASKING = "keep_asking"  # after check-ins went unanswered: may we keep asking?


class MessageStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    ANSWERED = "answered"
    FAILED = "failed"
    CANCELLED = "cancelled"
    MISSED = "missed"
    SUPERSEDED = "superseded"  # caught up late: a later step of its kind went instead


class DeliveryOutcome(StrEnum):
    """What became of one attempt to send (recorded in `deliveries`)."""

    SENT = "sent"
    RETRY = "retry"  # refused for now: tried again later
    FAILED = "failed"
    UNREACHABLE = "unreachable"  # the person blocked the bot or is gone
    MISSED = "missed"  # too late to send
    SUPERSEDED = "superseded"  # a later step of its kind went instead


class FailureReason(StrEnum):
    """Why the bot itself failed, missed or cancelled a row (`failure_reason`; a channel's
    refusal records the channel's own short code instead)."""

    NO_ANSWER = "no_answer"  # a question nobody answered
    LATE = "late"  # due too long ago to send
    CAUGHT_UP = "caught_up"  # a later step of its kind went instead
    INTERNAL_ERROR = "internal_error"
    TEMPLATE_ERROR = "template_error"
    UNREACHABLE = "unreachable"  # the contact cannot be written to
    OTHER_CONTACT = "other_contact"  # answered in another of the patient's chats
    NEW_EPISODE = "new_episode"  # a new stay replaced the plan
    REPLANNED = "replanned"
    RESCHEDULED = "rescheduled"  # the re-examination moved
    ATTENDED = "attended"  # the patient went to the re-examination
    WITHDRAWN = "withdrawn"  # the contact withdrew consent
    ERASED = "erased"  # the patient's data was erased
    MEDICINE_STOPPED = "medicine_stopped"
    UNKNOWN = "unknown"  # counted for a failure that gave no reason
    NOT_ELIGIBLE = "not_eligible"  # the patient no longer qualifies (excluded, deceased...)
    CHAT_TOOK_OVER = "chat_took_over"  # the patient enrolled in a chat: SMS stopped


class WaitReason(StrEnum):
    """Why a row was put back to be tried later (the detail of a `retry` delivery)."""

    EARLIER_STEP_FIRST = "earlier_step_first"
    OUTSIDE_WINDOW = "outside_window"
    SURVEY_BUSY = "survey_busy"
