"""What a patient answered to a plan step (stored with the step), and the snooze time."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from bot.domain.medications.model import SNOOZE_MINUTES

SNOOZE = timedelta(minutes=SNOOZE_MINUTES)  # "remind me later" on a medicine reminder


class StepAnswer(StrEnum):
    TAKEN = "taken"  # medicine reminder
    SKIPPED = "skipped"
    SNOOZED = "snoozed"
    CONFIRMED = "confirmed"  # re-examination reminder
    RESCHEDULE = "reschedule"
    ATTENDED = "attended"
    STILL_TAKING = "still_taking"  # long-term medicine check
    STOPPED = "stopped"
    YES = "yes"  # keep receiving messages?
    NO = "no"
    NO_ANSWER = "no_answer"  # recorded when a question went unanswered


# The answers that settle a reminder (adherence counts a reminder by its last one of these);
# a snooze or a "still taking" does not.
FINAL_ANSWERS = frozenset(
    {
        StepAnswer.TAKEN,
        StepAnswer.SKIPPED,
        StepAnswer.CONFIRMED,
        StepAnswer.RESCHEDULE,
        StepAnswer.ATTENDED,
    }
)
