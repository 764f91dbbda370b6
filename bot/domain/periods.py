"""Reporting periods: a month (YYYY-MM) or a date range (FROM TO, inclusive), in local time."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
DAY = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")


@dataclass(frozen=True)
class Period:
    first: date
    last: date  # inclusive

    @property
    def label(self) -> str:
        """Name the period as people write it."""
        return f"{self.first.isoformat()} ~ {self.last.isoformat()}"

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """Return [start, end) in UTC for local midnights."""
        start = datetime.combine(self.first, time(0), tzinfo=zone).astimezone(UTC)
        end = datetime.combine(self.last + timedelta(days=1), time(0), tzinfo=zone)
        return start, end.astimezone(UTC)


def month_period(text: str) -> Period:
    """Return the month named YYYY-MM, or raise ValueError."""
    match = MONTH.match(text.strip())
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"{text!r} is not a month; write it as YYYY-MM, e.g. 2026-11")
    first = date(int(match.group(1)), int(match.group(2)), 1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return Period(first, following - timedelta(days=1))


def range_period(first: str, last: str) -> Period:
    """Return the inclusive range FROM..TO (YYYY-MM-DD), or raise ValueError."""
    try:
        period = Period(date.fromisoformat(_padded(first)), date.fromisoformat(_padded(last)))
    except ValueError:
        raise ValueError(f"{first!r} {last!r}: write dates as YYYY-MM-DD") from None
    if period.last < period.first:
        raise ValueError(f"{first} is after {last}")
    return period


def period_from_words(words: list[str], today: date) -> tuple[Period, list[str]]:
    """Read a period from command words (none = this month); return it and the words left."""
    if len(words) >= 2 and DAY.match(words[0]) and DAY.match(words[1]):
        return range_period(words[0], words[1]), words[2:]
    if words and MONTH.match(words[0]):
        return month_period(words[0]), words[1:]
    return month_period(f"{today.year}-{today.month:02d}"), words


def _padded(text: str) -> str:
    year, month, day = text.strip().split("-")
    return f"{year}-{int(month):02d}-{int(day):02d}"
