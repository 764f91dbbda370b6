"""When a follow-up message may be sent: local send windows, public holidays, spreading."""

from __future__ import annotations

import hashlib
import itertools
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

from bot.domain.holidays import HolidayCalendar, WorkdayCalendar
from bot.domain.messages import MessageKind

if TYPE_CHECKING:
    from bot.domain.step_hours import StepHours

WINDOWS_FORM = "HH:MM-HH:MM, several separated by commas, e.g. 09:00-11:30,15:00-20:00"
WINDOW_PATTERN = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")
MAX_SEARCH_DAYS = 400


@dataclass(frozen=True)
class Window:
    """A daily span of local wall-clock time, start inclusive, end exclusive."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.start >= self.end:
            raise ValueError(f"send window {self} must start before it ends")

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    def bounds(self, day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """Return the window's opening and closing instants (UTC) on a local day."""
        opening = datetime.combine(day, self.start, tzinfo=zone).astimezone(UTC)
        closing = datetime.combine(day, self.end, tzinfo=zone).astimezone(UTC)
        return opening, closing


def parse_windows(text: str) -> tuple[Window, ...]:
    """Parse send windows such as `09:00-11:30,15:00-20:00`."""
    parts = [part.replace(" ", "") for part in text.split(",")]
    if not text.strip() or not all(parts):
        raise ValueError(f"send windows {text!r}: empty window; expected {WINDOWS_FORM}")
    windows = tuple(_parse_window(part) for part in parts)
    for before, after in itertools.pairwise(windows):
        if after.start < before.start:
            raise ValueError(
                f"send windows {text!r}: {after} comes before {before}; "
                f"list them in time order, e.g. 09:00-11:30,15:00-20:00"
            )
        if after.start < before.end:
            raise ValueError(
                f"send windows {text!r}: {before} and {after} overlap; expected {WINDOWS_FORM}"
            )
    return windows


def _parse_window(part: str) -> Window:
    """Parse one `HH:MM-HH:MM` window."""
    match = WINDOW_PATTERN.match(part)
    if match is None:
        raise ValueError(f"send window {part!r} is not a window; expected {WINDOWS_FORM}")
    hour1, minute1, hour2, minute2 = (int(group) for group in match.groups())
    if max(hour1, hour2) > 23 or max(minute1, minute2) > 59:
        raise ValueError(f"send window {part!r} has an impossible time; use 00:00 to 23:59")
    start, end = time(hour1, minute1), time(hour2, minute2)
    if start >= end:
        raise ValueError(
            f"send window {part!r} must start before it ends (windows cannot cross midnight)"
        )
    return Window(start, end)


class DailyWindows(Protocol):
    def on(self, day: date) -> tuple[Window, ...]:
        """Return the send windows of a local day (e.g. by season)."""
        ...

    def variants(self) -> tuple[tuple[Window, ...], ...]:
        """Return every set of windows a day may have."""
        ...


@dataclass(frozen=True)
class SendPolicy:
    """Where and when messages may go out: windows in a zone, minus holidays."""

    windows: tuple[Window, ...]
    zone: ZoneInfo
    holidays: HolidayCalendar
    catch_up: timedelta
    seasons: DailyWindows | None = None  # None: the same windows all year
    weekends: bool = True  # False: ordinary weekends are skipped, adjusted working days kept

    def __post_init__(self) -> None:
        if not self.windows:
            raise ValueError(f"a send policy needs at least one send window; {WINDOWS_FORM}")
        if self.catch_up < timedelta(0):
            raise ValueError("the catch-up period cannot be negative")

    def windows_on(self, day: date) -> tuple[Window, ...]:
        """Return the send windows of a local day."""
        return self.windows if self.seasons is None else self.seasons.on(day)

    def window_sets(self) -> tuple[tuple[Window, ...], ...]:
        """Return every set of send windows a day may have (one per season)."""
        return (self.windows,) if self.seasons is None else self.seasons.variants()

    def is_send_day(self, day: date) -> bool:
        """Say whether follow-up messages may go out on a local day."""
        if self.holidays.is_public_holiday(day):
            return False
        return self.weekends or is_working_day(day, self.holidays)


ZERO = timedelta(0)


def spread_offset(spread_key: int, length: timedelta) -> timedelta:
    """Return a stable offset in [0, length) for a key, scattering neighbouring keys."""
    seconds = int(length.total_seconds())
    if seconds <= 0:
        return timedelta(0)
    digest = hashlib.blake2b(str(spread_key).encode("ascii"), digest_size=8).digest()
    return timedelta(seconds=int.from_bytes(digest, "big") % seconds)


def next_send_time(
    earliest: datetime,
    policy: SendPolicy,
    spread_key: int = 0,
    step: StepHours | None = None,
    spread: bool = True,
) -> datetime:
    """Return the first allowed send time (UTC) not before `earliest`, within a step's hours
    (spread: at a stable offset into the next window, else at its opening)."""
    if earliest.tzinfo is None:
        raise ValueError("next_send_time needs a timezone-aware time")
    earliest = earliest.astimezone(UTC)
    first_day = earliest.astimezone(policy.zone).date()
    for day in (first_day + timedelta(days=n) for n in range(MAX_SEARCH_DAYS)):
        if not policy.is_send_day(day):
            continue
        windows = policy.windows_on(day)
        if step is not None:
            windows = step.day_windows(day, windows)
        for window in windows:
            opening, closing = window.bounds(day, policy.zone)
            if closing <= opening or closing <= earliest:
                continue  # a window lost to a DST jump, or already over
            if opening <= earliest:
                return earliest
            return opening + (spread_offset(spread_key, closing - opening) if spread else ZERO)
    raise ValueError(
        f"no send window on a working day within {MAX_SEARCH_DAYS} days after "
        f"{earliest:%Y-%m-%d %H:%M} UTC; check the send windows and the holiday calendar"
    )


def is_overdue_beyond_catch_up(due: datetime, now: datetime, policy: SendPolicy) -> bool:
    """Say whether a message due at `due` is too late to send at `now`."""
    return now - due > policy.catch_up


WEEKEND_START = 5  # Saturday, as date.weekday() counts
LATENESS_BY_KIND = {
    MessageKind.MEDICATION: timedelta(hours=2),
    MessageKind.REEXAM_REMINDER: timedelta(hours=12),
}


def lateness_limit(kind: MessageKind, catch_up: timedelta) -> timedelta:
    """Return how late a message of this kind may still be sent (a stale one is missed)."""
    return min(LATENESS_BY_KIND.get(kind, catch_up), catch_up)


def is_working_day(day: date, holidays: HolidayCalendar) -> bool:
    """Say whether staff work that day: weekdays, and adjusted weekend working days (调休)."""
    if isinstance(holidays, WorkdayCalendar) and holidays.is_adjusted_workday(day):
        return True
    return day.weekday() < WEEKEND_START and not holidays.is_public_holiday(day)


def add_working_days(
    start: datetime, days: int, zone: ZoneInfo, holidays: HolidayCalendar
) -> datetime:
    """Return the same local time `days` working days after start (aware UTC)."""
    local = start.astimezone(zone)
    day, counted = local.date(), 0
    while counted < days:
        day += timedelta(days=1)
        counted += is_working_day(day, holidays)
    return datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=zone).astimezone(UTC)
