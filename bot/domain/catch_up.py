"""Steps caught up late: one of each kind that fits today, in plan order, never overtaking."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.messages import MessageKind

# A patient caught up on day 9 needs one check-in and one piece of advice, not a pile of them.
CAUGHT_UP_KINDS = frozenset({MessageKind.CHECKIN, MessageKind.EDUCATION})
# Follow-up steps go out in plan order; reminders keep their own anchors (revisit, medicines).
ORDERED_KINDS = CAUGHT_UP_KINDS
ORDER_GAP = timedelta(minutes=1)  # a later step goes at least this long after an earlier one


@dataclass(frozen=True)
class StepTiming:
    """What the catch-up rule needs to know of one open step."""

    kind: str
    due_at: datetime


def superseded(steps: Sequence[StepTiming], now: datetime) -> set[int]:
    """Return the indexes of due steps that a later due step of the same kind replaces
    (steps due at the same moment replace none of each other)."""
    due = [(index, step) for index, step in enumerate(steps) if step.due_at <= now]
    latest: dict[str, datetime] = {}
    for _, step in due:
        if step.kind in CAUGHT_UP_KINDS:
            latest[step.kind] = max(step.due_at, latest.get(step.kind, step.due_at))
    return {
        index
        for index, step in due
        if step.kind in CAUGHT_UP_KINDS and step.due_at < latest[step.kind]
    }


def replacement(steps: Sequence[StepTiming], gone: set[int], now: datetime) -> int | None:
    """Return the index of the check-in that goes out instead of the superseded ones."""
    if not any(steps[index].kind == MessageKind.CHECKIN for index in gone):
        return None
    due = [
        index
        for index, step in enumerate(steps)
        if step.kind == MessageKind.CHECKIN and step.due_at <= now and index not in gone
    ]
    return max(due, key=lambda index: steps[index].due_at) if due else None


@dataclass(frozen=True)
class OpenStep:
    """A contact's follow-up step still waiting in the outbox."""

    id: int
    contact_id: int
    kind: str
    due_at: datetime
    send_at: datetime


def superseded_now(steps: Sequence[OpenStep], now: datetime) -> set[int]:
    """Return the ids of one contact's waiting steps that a later due step replaces."""
    ordered = sorted(steps, key=lambda s: (s.due_at, s.id))
    gone = superseded([StepTiming(s.kind, s.due_at) for s in ordered], now)
    return {ordered[index].id for index in gone}


def held_until(
    step: OpenStep, waiting: Sequence[OpenStep], gone: set[int], now: datetime
) -> datetime | None:
    """Return when a step may go if an earlier step of its contact still waits, else None."""
    earlier = [
        other.send_at
        for other in waiting
        if other.id not in gone and (other.due_at, other.id) < (step.due_at, step.id)
    ]
    return max(max(earlier), now) + ORDER_GAP if earlier else None
