"""Plan a medicine's reminder times over its course, and count the answers to them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.medications.model import DEFAULT_TIMES, MAX_DAYS, WEEK, Frequency, MedicationEntry
from bot.domain.medications.times import QuietHours
from bot.domain.step_answers import StepAnswer

ANSWERS = (StepAnswer.TAKEN, StepAnswer.SKIPPED, StepAnswer.SNOOZED)


@dataclass(frozen=True)
class Adherence:
    """Answers to the reminders that were due; snoozed-and-forgotten counts as unanswered."""

    taken: int
    skipped: int
    unanswered: int

    @property
    def due(self) -> int:
        """Return how many reminders were due."""
        return self.taken + self.skipped + self.unanswered

    @property
    def rate(self) -> float | None:
        """Return the share of due reminders answered "taken", or None if none were due."""
        return self.taken / self.due if self.due else None


def reminder_times(
    entry: MedicationEntry,
    start: datetime,
    zone: ZoneInfo,
    times: Mapping[Frequency, tuple[time, ...]],
    quiet: QuietHours,
    default_days: int,
    until: datetime | None = None,
) -> list[datetime]:
    """Return every reminder (aware UTC) after start for the entry's course, in order.

    `until` ends an open-ended (long-term) medicine's reminders instead of its course.
    """
    if start.tzinfo is None:
        raise ValueError("reminder_times needs a timezone-aware start")
    days = _days(entry, default_days)
    first = start.astimezone(zone).replace(tzinfo=None)
    last = first + timedelta(days=days)
    if until is not None:
        last = until.astimezone(zone).replace(tzinfo=None)
        days = max((last - first).days + 1, 0)
    clock = times.get(entry.frequency, DEFAULT_TIMES[entry.frequency])
    moments = {
        quiet.move_out(datetime.combine(day, at))
        for day in _slot_days(entry.frequency, first.date(), days)
        for at in clock
    }
    local = sorted(m for m in moments if first < m <= last)
    return sorted({m.replace(tzinfo=zone).astimezone(UTC) for m in local})


def _days(entry: MedicationEntry, default_days: int) -> int:
    """Return the entry's course length, or default_days when unknown."""
    if not 0 < default_days <= MAX_DAYS:
        raise ValueError(f"default_days must be 1 to {MAX_DAYS}, got {default_days}")
    return entry.days or default_days


def _slot_days(frequency: Frequency, first: date, days: int) -> list[date]:
    """Return the local dates that may hold a reminder (one spare day each side)."""
    if frequency is Frequency.QW:
        return [first + timedelta(days=WEEK * k) for k in range(days // WEEK + 2)]
    if frequency is Frequency.QOD:
        return [first + timedelta(days=2 * k) for k in range(days // 2 + 2)]
    return [first + timedelta(days=k) for k in range(-1, days + 2)]


def course_end(
    entries: Iterable[MedicationEntry], start: datetime, default_days: int
) -> datetime | None:
    """Return when the longest course ends (start + its days), or None without entries."""
    longest = max((_days(e, default_days) for e in entries), default=None)
    return None if longest is None else start + timedelta(days=longest)


def adherence(answers: Iterable[str | None]) -> Adherence:
    """Count reminders taken, skipped and left unanswered (snoozed and never answered)."""
    counts = dict.fromkeys(ANSWERS, 0)
    unanswered = 0
    for answer in answers:
        if answer is None:
            unanswered += 1
        elif answer in counts:
            counts[StepAnswer(answer)] += 1
        else:
            expected = tuple(known.value for known in ANSWERS)
            raise ValueError(f"unknown reminder answer {answer!r}; expected one of {expected}")
    return Adherence(
        counts[StepAnswer.TAKEN],
        counts[StepAnswer.SKIPPED],
        unanswered + counts[StepAnswer.SNOOZED],
    )
