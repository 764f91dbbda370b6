"""Reminders of the discharge medicines, and the monthly question for long-term ones."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from bot.domain.medications.model import Frequency, MedicationEntry
from bot.domain.medications.parsing import parse_medications
from bot.domain.medications.reminders import course_end, reminder_times
from bot.domain.messages import MessageKind
from bot.storage.outbox_records import PlannedMessage
from bot.storage.records import Episode

if TYPE_CHECKING:
    from bot.services.planning import Scheduling

MEDICATION_TEMPLATE = "medication/reminder"
CHECK_TEMPLATE = "medication/still_taking"
# Open-ended medicines cannot have every reminder in the outbox: rows are planned this far
# ahead, and the sweeps plan further once fewer than EXTEND_WITHIN remain.
HORIZON = timedelta(days=60)
EXTEND_WITHIN = timedelta(days=30)
CHECK_EVERY_DAYS = 30
CHECK_AFTER_REMINDER = timedelta(minutes=1)  # the question follows that morning's reminder
# Plans whose patients take their medicines for good unless a course length is written.
LONG_TERM_PLANS = frozenset({"chronic"})


@dataclass(frozen=True)
class MedicinePlan:
    """A discharge's medicine rows, and until when open-ended ones were planned."""

    messages: list[PlannedMessage]
    planned_until: datetime | None


def reminder_key(medicine: int) -> str:
    """Return the step key of a medicine's reminders (its place in the list, from 0)."""
    return f"med{medicine}"


def check_key(medicine: int) -> str:
    """Return the step key of a medicine's still-taking questions."""
    return f"med{medicine}_check"


def is_open_ended(entry: MedicationEntry, plan_key: str) -> bool:
    """Say whether a medicine is taken until stopped (长期/终身/维持, or a long-term plan)."""
    if entry.days is not None or entry.frequency is Frequency.PRN:
        return False
    return entry.long_term or plan_key in LONG_TERM_PLANS


def medication_end(episode: Episode, plan_key: str, default_days: int) -> datetime | None:
    """Return when the longest course with an end finishes (open-ended ones have none)."""
    entries, _problems = parse_medications(episode.medications)
    courses = [e for e in entries if not is_open_ended(e, plan_key)]
    return course_end(courses, episode.discharged_at, default_days)


def medicine_plan(
    scheduling: Scheduling,
    episode: Episode,
    plan_key: str,
    now: datetime,
    stopped: Collection[int] = (),
) -> MedicinePlan:
    """Return the reminders still ahead for each medicine not stopped."""
    entries, _problems = parse_medications(episode.medications)
    messages: list[PlannedMessage] = []
    until = now + HORIZON
    open_ended = False
    for index, entry in enumerate(entries):
        if index in stopped:
            continue
        endless = is_open_ended(entry, plan_key)
        open_ended = open_ended or endless
        moments = reminder_times(
            entry,
            episode.discharged_at,
            scheduling.zone,
            scheduling.medication_times,
            scheduling.quiet,
            scheduling.medication_default_days,
            until=until if endless else None,
        )
        messages += _reminders(scheduling, entry, index, moments, now)
        if endless:
            messages += _checks(scheduling, entry, index, moments, now)
    return MedicinePlan(messages, until if open_ended else None)


def _reminders(
    scheduling: Scheduling,
    entry: MedicationEntry,
    index: int,
    moments: list[datetime],
    now: datetime,
) -> list[PlannedMessage]:
    """Return the reminder rows of one medicine from now on."""
    return [
        PlannedMessage(
            step_key=reminder_key(index),
            occurrence=occurrence,
            kind=MessageKind.MEDICATION,
            template=MEDICATION_TEMPLATE,
            due_at=moment,
            send_at=moment,
            payload={
                "drug": entry.drug,
                "dose": entry.dose or "",
                "time": f"{moment.astimezone(scheduling.zone):%H:%M}",
                "medicine": index,
            },
        )
        for occurrence, moment in enumerate(moments)
        if moment >= now
    ]


def _checks(
    scheduling: Scheduling,
    entry: MedicationEntry,
    index: int,
    moments: list[datetime],
    now: datetime,
) -> list[PlannedMessage]:
    """Return a still-taking question every CHECK_EVERY_DAYS, after that day's first reminder."""
    if not moments:
        return []
    zone = scheduling.zone
    first_day = moments[0].astimezone(zone).date()
    questions: list[PlannedMessage] = []
    for moment in moments:
        days = (moment.astimezone(zone).date() - first_day).days
        month, rest = divmod(days, CHECK_EVERY_DAYS)
        if month == 0 or rest > 1 or any(q.occurrence == month for q in questions):
            continue  # rest 1: an every-other-day medicine may skip the 30th day
        due = (moment + CHECK_AFTER_REMINDER).astimezone(UTC)
        questions.append(
            PlannedMessage(
                step_key=check_key(index),
                occurrence=month,
                kind=MessageKind.MEDICATION_CHECK,
                template=CHECK_TEMPLATE,
                due_at=due,
                send_at=due,
                payload={"drug": entry.drug, "dose": entry.dose or "", "medicine": index},
            )
        )
    return [q for q in questions if q.due_at >= now]
