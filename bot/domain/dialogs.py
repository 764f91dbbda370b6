"""The dialogs a chat can be in (kept in dialog_states so a restart resumes them)."""

from __future__ import annotations

from enum import StrEnum


class DialogKind(StrEnum):
    ENROL = "enrol"  # identity, respondent, relation, consent (EnrolStep)
    CASE = "case"  # a complaint or praise being written
    TEMPLATE = "template"  # staff editing a template
    BROADCAST = "broadcast"  # staff preparing a broadcast
    PATIENT_FACT = "patient_fact"  # staff recording a death or a dispute
    REEXAM_DATE = "reexam_date"  # a patient giving another re-examination date
    CALL_REVIEW = "call_review"  # a supervisor's note on a sampled call, after the verdict


class DialogStep(StrEnum):
    """Where a dialog other than enrolment waits (enrolment has EnrolStep)."""

    TEXT = "text"  # for free text
    CONCERNED = "concerned"  # for whom a complaint concerns
    DATE = "date"  # for a date
    CONFIRM = "confirm"  # for a yes or no
