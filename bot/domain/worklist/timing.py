"""When a call is due: the calling hours on working days, never on a public holiday."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.calls import RETRIED_OUTCOMES, CallOutcome, CallStatus
from bot.domain.schedule import SendPolicy, next_send_time

CALL_LATER_SOON = timedelta(hours=1)


class Later(StrEnum):
    """When a patient asked to be called back."""

    HOUR = "hour"  # in an hour (within the calling hours)
    EVENING = "evening"  # the day's last calling window
    TOMORROW = "tomorrow"  # the next working day's first window


def first_call_time(earliest: datetime, policy: SendPolicy) -> datetime:
    """Return the first calling-hours moment on or after earliest (at a window's opening)."""
    return next_send_time(earliest, policy, spread=False)


def next_working_day(now: datetime, policy: SendPolicy) -> datetime:
    """Return the first calling-hours moment of the working day after now's."""
    local = now.astimezone(policy.zone)
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time())
    return first_call_time(midnight.replace(tzinfo=policy.zone).astimezone(UTC), policy)


def later_time(choice: Later, now: datetime, policy: SendPolicy) -> datetime:
    """Return when to call back for a "call later" button."""
    if choice is Later.HOUR:
        return first_call_time(now + CALL_LATER_SOON, policy)
    if choice is Later.TOMORROW:
        return next_working_day(now, policy)
    local = now.astimezone(policy.zone)
    last = policy.windows_on(local.date())[-1]
    opening, closing = last.bounds(local.date(), policy.zone)
    if closing > now and policy.is_send_day(local.date()):
        return max(opening, now)
    return next_working_day(now, policy)


TYPED_TIME = re.compile(r"^([01]?\d|2[0-3])[:：]([0-5]\d)$")


def typed_time(text: str, now: datetime, zone: ZoneInfo) -> datetime:
    """Return the next moment at a typed local HH:MM (today, or tomorrow once passed); raise
    ValueError for text that is not a time."""
    found = TYPED_TIME.match(text.strip())
    if found is None:
        raise ValueError(f"not a time of day: {text!r}; expected HH:MM, e.g. 16:30")
    local = now.astimezone(zone)
    moment = local.replace(hour=int(found[1]), minute=int(found[2]), second=0, microsecond=0)
    if moment <= local:
        moment += timedelta(days=1)
    return moment.astimezone(UTC)


def after_outcome(outcome: CallOutcome, tries: int, max_tries: int) -> tuple[CallStatus, bool]:
    """Return a task's status after an attempt, and whether it is due again on a later day."""
    if outcome is CallOutcome.REACHED:
        return CallStatus.DONE, False
    if outcome is CallOutcome.CALL_LATER:
        return CallStatus.OPEN, False
    if outcome in RETRIED_OUTCOMES and tries < max_tries:
        return CallStatus.OPEN, True
    return (CallStatus.CANCELLED if outcome is CallOutcome.DECEASED else CallStatus.FAILED), False
