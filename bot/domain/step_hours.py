"""A plan step's own contact times (e.g. weekday afternoons), narrowing the send windows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from bot.domain.schedule import Window, parse_windows

PAYLOAD_KEY = "step_hours"  # an outbox row carries its step's hours, for re-timing later
WEEKDAYS = "weekdays"
ANY_DAY = "any"
DAYS_CHOICES = (ANY_DAY, WEEKDAYS)
SATURDAY = 5  # date.weekday()


@dataclass(frozen=True)
class StepHours:
    """Days and daily hours a step may use, inside the hospital's send windows."""

    weekdays_only: bool = False
    windows: tuple[Window, ...] = ()  # empty: the send windows as they are

    def __str__(self) -> str:
        days = WEEKDAYS if self.weekdays_only else ANY_DAY
        return " ".join([days, *(str(window) for window in self.windows)])

    def day_windows(self, day: date, windows: tuple[Window, ...]) -> tuple[Window, ...]:
        """Return the parts of the send windows this step may use on a local day."""
        if self.weekdays_only and day.weekday() >= SATURDAY:
            return ()
        return self.clip(windows)

    def clip(self, windows: tuple[Window, ...]) -> tuple[Window, ...]:
        """Return the parts of the send windows inside this step's hours (on an allowed day)."""
        if not self.windows:
            return windows
        return tuple(
            Window(max(send.start, own.start), min(send.end, own.end))
            for send in windows
            for own in self.windows
            if max(send.start, own.start) < min(send.end, own.end)
        )


def step_hours(days: str | None, hours: str | None) -> StepHours:
    """Build step hours from a plan's `days` and `hours` (raises ValueError on bad values)."""
    chosen = ANY_DAY if days is None else days
    if chosen not in DAYS_CHOICES:
        raise ValueError(f'"{chosen}" is not allowed; use one of {", ".join(DAYS_CHOICES)}')
    windows = () if hours is None else parse_windows(hours)
    return StepHours(weekdays_only=chosen == WEEKDAYS, windows=windows)


def step_hours_of(payload: Mapping[str, object]) -> StepHours | None:
    """Return the step hours an outbox row's payload carries, if any."""
    text = payload.get(PAYLOAD_KEY)
    if not isinstance(text, str) or not text.split():
        return None
    days, *windows = text.split()
    return step_hours(days, ",".join(windows) if windows else None)
