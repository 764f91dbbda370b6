"""The enrolment dialog's steps and choices."""

from __future__ import annotations

from enum import StrEnum

from bot.domain.dialogs import DialogKind

DIALOG_KIND = DialogKind.ENROL


class EnrolStep(StrEnum):
    IDENTITY = "identity"
    RESPONDENT = "respondent"
    RELATION = "relation"
    CONSENT = "consent"


class Respondent(StrEnum):
    PATIENT = "patient"
    FAMILY = "family"


class Relation(StrEnum):
    SPOUSE = "spouse"
    CHILD = "child"
    PARENT = "parent"
    SIBLING = "sibling"
    OTHER = "other"


class ConsentDecision(StrEnum):
    GRANTED = "granted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
