"""Messages staff write to a patient: asked for, previewed, then sent or cancelled.

Text staff type in a case's thread is an internal note unless it answers a request for a
message to the patient (the Reply button, or the offer after closing): then it becomes a
draft, shown back as a preview, and only the Send choice relays it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class DraftPurpose(StrEnum):
    """Why a message to the patient is being written."""

    REPLY = "reply"  # a reply while the case is worked
    AFTER_CLOSE = "after_close"  # an optional word after closing (the summary stays internal)


class DraftStatus(StrEnum):
    AWAITING = "awaiting"  # asked for; the writer's next text becomes the draft
    PREVIEWED = "previewed"  # shown back with Send / Cancel
    SENT = "sent"
    CANCELLED = "cancelled"
    REPLACED = "replaced"  # the writer sent a new text: a new draft took its place


OPEN_DRAFT_STATUSES = (DraftStatus.AWAITING, DraftStatus.PREVIEWED)


@dataclass(frozen=True)
class Draft:
    """A message to a case's patient being written by a staff member."""

    id: int
    case_id: int
    author_id: int
    purpose: DraftPurpose
    status: DraftStatus
    prompt_message_id: int | None
    preview_message_id: int | None
    text: str | None
    created_at: datetime

    @property
    def open(self) -> bool:
        """Say whether the draft still waits for its text or for Send / Cancel."""
        return self.status in OPEN_DRAFT_STATUSES
