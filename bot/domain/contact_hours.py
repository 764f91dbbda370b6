"""Contact hours that change with the season (the 003 seed's handbook), and season dates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.domain.schedule import Window, parse_windows

# 003 seed, 回访时间: summer 14:30-16:30 and 19:00-20:00, winter 14:00-16:30 and 18:00-19:00.
PRESETS: dict[str, tuple[str, str]] = {
    "handbook": ("14:30-16:30,19:00-20:00", "14:00-16:30,18:00-19:00"),
}
MONTH_DAY_FORM = "MM-DD, e.g. 05-01"
MONTH_DAY_PATTERN = re.compile(r"^(\d{1,2})-(\d{1,2})$")
NON_LEAP_YEAR = 2027  # 02-29 would not exist three years in four


@dataclass(frozen=True, order=True)
class MonthDay:
    month: int
    day: int

    def __str__(self) -> str:
        return f"{self.month:02d}-{self.day:02d}"


def parse_month_day(text: str) -> MonthDay:
    """Parse a season's first day such as `05-01` (raises ValueError saying what is expected)."""
    match = MONTH_DAY_PATTERN.match(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a day of the year; expected {MONTH_DAY_FORM}")
    month, day = (int(group) for group in match.groups())
    try:
        date(NON_LEAP_YEAR, month, day)
    except ValueError:
        raise ValueError(
            f"{text!r} is not a day of every year; expected {MONTH_DAY_FORM} (not 02-29)"
        ) from None
    return MonthDay(month, day)


@dataclass(frozen=True)
class SeasonalWindows:
    """Summer and winter send windows, each season starting on a day of the year."""

    summer: tuple[Window, ...]
    winter: tuple[Window, ...]
    summer_starts: MonthDay
    winter_starts: MonthDay

    def __post_init__(self) -> None:
        if self.summer_starts == self.winter_starts:
            raise ValueError(f"summer and winter cannot both start on {self.summer_starts}")

    def on(self, day: date) -> tuple[Window, ...]:
        """Return the windows of the season a local day falls in."""
        today = MonthDay(day.month, day.day)
        if self.summer_starts < self.winter_starts:
            summer = self.summer_starts <= today < self.winter_starts
        else:  # summer across new year (southern hemisphere)
            summer = not (self.winter_starts <= today < self.summer_starts)
        return self.summer if summer else self.winter

    def variants(self) -> tuple[tuple[Window, ...], ...]:
        """Return the summer and the winter windows."""
        return (self.summer, self.winter)


def is_preset(text: str) -> bool:
    """Say whether a send-windows setting names a preset rather than listing windows."""
    return text.strip().lower() in PRESETS


def parse_send_windows(text: str) -> tuple[Window, ...]:
    """Parse a send-windows setting (a preset name or windows); return the all-year windows."""
    if is_preset(text):
        return parse_windows(PRESETS[text.strip().lower()][0])
    try:
        return parse_windows(text)
    except ValueError as error:
        presets = ", ".join(PRESETS)
        raise ValueError(f"{error}; or a preset: {presets}") from None


def seasonal_windows(text: str, summer_starts: str, winter_starts: str) -> SeasonalWindows | None:
    """Return the seasons of a preset setting, or None for all-year windows."""
    if not is_preset(text):
        return None
    summer, winter = PRESETS[text.strip().lower()]
    return SeasonalWindows(
        parse_windows(summer),
        parse_windows(winter),
        parse_month_day(summer_starts),
        parse_month_day(winter_starts),
    )
