"""The phone worklist's vocabulary: why a call is owed, what a call found, how it was judged."""

from __future__ import annotations

from enum import StrEnum


class CallReason(StrEnum):
    """Why a patient is on the worklist (the first rule that put the task there)."""

    NO_MESSAGE_CHANNEL = "no_message_channel"  # no chat, and no answer by SMS by the step's date
    PREFERS_PHONE = "prefers_phone"  # 回访方式 电话 on the discharge list
    MESSAGES_FAILED = "messages_failed"  # a chat or SMS follow-up failed after its tries
    RED_FLAG = "red_flag"  # a red flag that needs a call back
    QUESTION = "question"  # a question for a doctor that needs a call back
    SPECIAL = "special"  # a 100% group patient (特殊标记, plan) whose follow-up is not done
    STAFF_REPLY = "staff_reply"  # staff answered a case of a patient reached by phone


class CallStatus(StrEnum):
    """Where a call task stands."""

    OPEN = "open"  # waiting, or due again after an unanswered try
    DONE = "done"  # the patient (or a proxy) was reached
    FAILED = "failed"  # given up: tries used up, wrong number, refused
    CANCELLED = "cancelled"  # no longer needed: answered by message, death, withdrawal, erasure


class CallOutcome(StrEnum):
    """What one call attempt found (the handbook's categories)."""

    REACHED = "reached"
    NO_ANSWER = "no_answer"  # 无人接听
    PHONE_OFF = "phone_off"  # 关机
    OUT_OF_SERVICE = "out_of_service"  # 停机
    UNREACHABLE = "unreachable"  # 无法接通
    WRONG_NUMBER = "wrong_number"
    REFUSED = "refused"
    DECEASED = "deceased"
    CALL_LATER = "call_later"  # "not convenient now": come back when the patient said


# Outcomes that are tried again on another day, up to the configured number of tries.
RETRIED_OUTCOMES = frozenset(
    {
        CallOutcome.NO_ANSWER,
        CallOutcome.PHONE_OFF,
        CallOutcome.OUT_OF_SERVICE,
        CallOutcome.UNREACHABLE,
    }
)


class ReviewVerdict(StrEnum):
    """A supervisor's judgement of a sampled call (the weekly quality check)."""

    PASS = "pass"
    NEEDS_WORK = "needs_work"
