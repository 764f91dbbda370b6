"""Expand a plan into its due steps: every occurrence of every enabled step, in order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.plans.model import MAX_OCCURRENCES, Anchor, Offset, Plan, PlanStep, StepKind
from bot.domain.step_hours import StepHours

REVISIT_ANCHOR_TIME = time(9, 0)


@dataclass(frozen=True)
class DueStep:
    step_key: str
    occurrence: int
    kind: StepKind
    template: str
    survey: str | None
    due_at: datetime
    answer_timeout: timedelta
    contact: StepHours | None = None


def revisit_moment(revisit_at: date, zone: ZoneInfo) -> datetime:
    """Return the anchor moment (UTC) of a re-examination date: 09:00 local that day."""
    return datetime.combine(revisit_at, REVISIT_ANCHOR_TIME, tzinfo=zone).astimezone(UTC)


def expand_plan(
    plan: Plan,
    discharged_at: datetime,
    revisit_at: date | None,
    medication_end: datetime | None,
    zone: ZoneInfo,
    treated_on: date | None = None,
) -> list[DueStep]:
    """List every occurrence of every enabled step, sorted by due time (UTC)."""
    discharge = _aware(discharged_at, "discharged_at")
    anchors = {
        Anchor.DISCHARGE: discharge,
        Anchor.TREATMENT: treatment_moment(treated_on, discharge, zone),
        Anchor.REVISIT: None if revisit_at is None else revisit_moment(revisit_at, zone),
        Anchor.MEDICATION_END: None
        if medication_end is None
        else _aware(medication_end, "medication_end"),
    }
    position = {step.key: index for index, step in enumerate(plan.steps)}
    due = [
        _due_step(step, occurrence, moment)
        for step in plan.steps
        if step.enabled and (anchor := anchors[step.anchor]) is not None
        for occurrence, moment in enumerate(step_times(step, anchor, zone))
    ]
    return sorted(due, key=lambda d: (d.due_at, position[d.step_key], d.occurrence))


def treatment_moment(treated_on: date | None, discharge: datetime, zone: ZoneInfo) -> datetime:
    """Return the treatment anchor: the treatment day at the discharge's local time of day.

    Without a treatment date the discharge counts: in-patients are treated before they leave,
    so counting from discharge is never earlier than the seed's "days after treatment".
    """
    if treated_on is None:
        return discharge
    wall = discharge.astimezone(zone).time()
    return datetime.combine(treated_on, wall, tzinfo=zone).astimezone(UTC)


def step_times(step: PlanStep, anchor: datetime, zone: ZoneInfo) -> list[datetime]:
    """Return the due times (UTC) of a step's first occurrence and its repeats."""
    first = step.offset.apply(anchor, zone)
    if step.repeat is None:
        return [first]
    until = step.repeat.until
    last = None if until is None else until.apply(anchor, zone)
    times = [first]
    for count in range(1, MAX_OCCURRENCES):
        moment = _repeat_time(step.offset, step.repeat.every, count, anchor, first, zone)
        if last is not None and moment > last:
            break
        times.append(moment)
    return times


def _repeat_time(
    offset: Offset, every: Offset, count: int, anchor: datetime, first: datetime, zone: ZoneInfo
) -> datetime:
    """Return the time of repeat `count`, counted from the anchor when units agree (no drift)."""
    if every.unit is offset.unit:
        return Offset(offset.amount + count * every.amount, offset.unit).apply(anchor, zone)
    return every.times(count).apply(first, zone)


def _due_step(step: PlanStep, occurrence: int, moment: datetime) -> DueStep:
    """Build the DueStep of one occurrence."""
    return DueStep(
        step_key=step.key,
        occurrence=occurrence,
        kind=step.kind,
        template=step.template,
        survey=step.survey,
        due_at=moment,
        answer_timeout=step.answer_timeout,
        contact=step.contact,
    )


def _aware(moment: datetime, name: str) -> datetime:
    """Return an aware time in UTC, refusing naive ones."""
    if moment.tzinfo is None:
        raise ValueError(f"{name} must be timezone-aware")
    return moment.astimezone(UTC)
