"""When to come back for a pick_time answer, and which time choices are still ahead today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.surveys.model import Option, Question, QuestionType

MORNING = time(9, 30)
EVENING = time(19, 0)


@dataclass(frozen=True)
class RescheduleRule:
    """A pick_time choice: an elapsed `delay`, else `days` ahead at local time `at`."""

    delay: timedelta | None = None
    days: int = 0
    at: time = MORNING


RESCHEDULE_DELAYS: dict[str, RescheduleRule] = {
    "in_an_hour": RescheduleRule(delay=timedelta(hours=1)),
    "this_evening": RescheduleRule(days=0, at=EVENING),
    "tomorrow": RescheduleRule(days=1, at=MORNING),
    "another_day": RescheduleRule(days=2, at=MORNING),
}
PICK_TIME_VALUES = tuple(RESCHEDULE_DELAYS)


def reschedule_target(value: str, now: datetime, zone: ZoneInfo) -> datetime:
    """Return when (aware UTC) to come back for a pick_time answer; past times roll to tomorrow."""
    rule = RESCHEDULE_DELAYS.get(value)
    typed = typed_time(value)
    if typed is not None:
        return typed
    if rule is None:
        raise ValueError(f'"{value}" is not a pick_time value; use {", ".join(PICK_TIME_VALUES)}')
    if now.tzinfo is None:
        raise ValueError("reschedule_target needs a timezone-aware time")
    if rule.delay is not None:
        return now.astimezone(UTC) + rule.delay
    today = now.astimezone(zone).date()
    target = _local_moment(today + timedelta(days=rule.days), rule.at, zone)
    if target <= now:
        target = _local_moment(today + timedelta(days=1), MORNING, zone)
    return target


def _local_moment(day: date, at: time, zone: ZoneInfo) -> datetime:
    """Return a local wall-clock time on a day as aware UTC."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def offered_options(question: Question, now: datetime, zone: ZoneInfo) -> tuple[Option, ...]:
    """Return the options worth showing now: pick_time drops same-day times already past."""
    if question.type is not QuestionType.PICK_TIME:
        return question.options
    return tuple(option for option in question.options if not _past_today(option.value, now, zone))


def _past_today(value: str, now: datetime, zone: ZoneInfo) -> bool:
    """Say whether a same-day pick_time choice (this evening) has already passed."""
    rule = RESCHEDULE_DELAYS[value]
    if rule.delay is not None or rule.days > 0:
        return False
    return _local_moment(now.astimezone(zone).date(), rule.at, zone) <= now


TYPED_TIME_PREFIX = "at:"  # a pick_time answer typed as a time: "at:" and the UTC time
MAX_TYPED_AHEAD = timedelta(days=31)


def typed_time_value(moment: datetime) -> str:
    """Return the stored answer for a typed call-back time."""
    return f"{TYPED_TIME_PREFIX}{moment.astimezone(UTC):%Y-%m-%dT%H:%MZ}"


def typed_time(value: str) -> datetime | None:
    """Return the time of a typed pick_time answer, None for a choice's value."""
    if not value.startswith(TYPED_TIME_PREFIX):
        return None
    try:
        parsed = datetime.strptime(value.removeprefix(TYPED_TIME_PREFIX), "%Y-%m-%dT%H:%MZ")
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC)
