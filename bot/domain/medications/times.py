"""Reminder times by frequency and quiet hours: the settings and their parsers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from bot.domain.medications.model import DEFAULT_TIMES, Frequency
from bot.domain.medications.parsing import normalise

MINUTES_PER_DAY = 24 * 60
_CLOCK_RE = re.compile(r"(\d{1,2}):(\d{2})")
_CODES = frozenset(f.value for f in Frequency)
_TIMES_EXAMPLE = "qd=08:00;bid=07:30+19:30;qn=21:30"
_QUIET_EXAMPLE = "22:00-07:00"
_QUIET_SPLIT_RE = re.compile(r"\s*[-~]\s*")


@dataclass(frozen=True)
class QuietHours:
    """A daily period without reminders; start inclusive, end exclusive, may wrap midnight."""

    start: time
    end: time

    def contains(self, moment: time) -> bool:
        """Return whether a wall-clock time falls inside the quiet period."""
        if self.start <= self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end

    def move_out(self, moment: datetime) -> datetime:
        """Move a wall-clock moment inside the period to the nearest time outside it."""
        if not self.contains(moment.time()):
            return moment
        minute = _minutes(moment.time())
        back = (minute - (_minutes(self.start) - 1)) % MINUTES_PER_DAY
        forward = (_minutes(self.end) - minute) % MINUTES_PER_DAY
        if back < forward:
            return moment - timedelta(minutes=back)
        return moment + timedelta(minutes=forward)


NO_QUIET_HOURS = QuietHours(time(0), time(0))


def parse_times_setting(text: str) -> dict[Frequency, tuple[time, ...]]:
    """Parse reminder-time overrides such as `qd=08:00;bid=07:30+19:30;qn=21:30`."""
    overrides: dict[Frequency, tuple[time, ...]] = {}
    for part in normalise(text).split(";"):
        if not part.strip():
            continue
        frequency, times = _parse_times_part(part.strip())
        if frequency in overrides:
            raise ValueError(f"reminder times: {frequency.value!r} is given more than once")
        overrides[frequency] = times
    return overrides


def _parse_times_part(part: str) -> tuple[Frequency, tuple[time, ...]]:
    """Parse one `freq=HH:MM[+HH:MM...]` part of the times setting."""
    key, equals, value = part.partition("=")
    frequency = _frequency_code(key)
    if not equals or frequency is None or frequency is Frequency.PRN:
        raise ValueError(
            f"reminder times: cannot read {part!r}; expected FREQUENCY=HH:MM[+HH:MM...] "
            f"with FREQUENCY one of {', '.join(_scheduled_codes())}, e.g. {_TIMES_EXAMPLE}"
        )
    times = tuple(sorted({_parse_clock(v, part) for v in value.split("+")}))
    expected = len(DEFAULT_TIMES[frequency])
    if len(times) != expected:
        raise ValueError(
            f"reminder times: {part!r} gives {len(times)} distinct time(s) but "
            f"{frequency.value} needs exactly {expected}, e.g. {_TIMES_EXAMPLE}"
        )
    return frequency, times


def _frequency_code(key: str) -> Frequency | None:
    """Return the frequency named by a Latin code such as `BID` or `q.d.`."""
    code = key.strip().lower().replace(".", "").replace(" ", "")
    return Frequency(code) if code in _CODES else None


def _scheduled_codes() -> list[str]:
    """Return the codes that have reminder times."""
    return [f.value for f in Frequency if f is not Frequency.PRN]


def _parse_clock(text: str, part: str) -> time:
    """Parse `HH:MM` (24-hour clock) or raise ValueError naming the setting part."""
    match = _CLOCK_RE.fullmatch(text.strip())
    if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ValueError(
            f"reminder times: {text.strip()!r} in {part!r} is not a time; "
            f"expected HH:MM on a 24-hour clock, e.g. {_TIMES_EXAMPLE}"
        )
    return time(int(match.group(1)), int(match.group(2)))


def merged_times(
    overrides: Mapping[Frequency, tuple[time, ...]],
) -> dict[Frequency, tuple[time, ...]]:
    """Return the default reminder times updated by overrides."""
    return {**DEFAULT_TIMES, **overrides}


def parse_quiet_hours(text: str) -> QuietHours:
    """Parse quiet hours written `HH:MM-HH:MM`, e.g. `22:00-07:00`."""
    parts = _QUIET_SPLIT_RE.split(normalise(text).strip())
    if len(parts) != 2 or not all(_CLOCK_RE.fullmatch(p) for p in parts):
        raise ValueError(
            f"quiet hours: cannot read {text!r}; expected HH:MM-HH:MM, e.g. {_QUIET_EXAMPLE}"
        )
    start, end = (_parse_quiet_clock(p, text) for p in parts)
    return QuietHours(start, end)


def _parse_quiet_clock(text: str, whole: str) -> time:
    """Parse one end of the quiet hours."""
    try:
        return _parse_clock(text, whole)
    except ValueError:
        raise ValueError(
            f"quiet hours: {text!r} in {whole!r} is not a time; "
            f"expected HH:MM-HH:MM on a 24-hour clock, e.g. {_QUIET_EXAMPLE}"
        ) from None


def _minutes(moment: time) -> int:
    """Return minutes since midnight."""
    return moment.hour * 60 + moment.minute
