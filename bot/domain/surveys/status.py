"""The lifecycle of a survey session: open, paused until sent again, then finished."""

from __future__ import annotations

from enum import StrEnum


class SurveyStatus(StrEnum):
    OPEN = "open"  # waiting for the answer to current_question
    PAUSED = "paused"  # the patient asked for another time; resumed when sent again
    COMPLETED = "completed"  # every question answered
    PARTIAL = "partial"  # closed unfinished: expired, or the contact withdrew


UNFINISHED = (SurveyStatus.OPEN, SurveyStatus.PAUSED)
FINISHED = (SurveyStatus.COMPLETED, SurveyStatus.PARTIAL)
