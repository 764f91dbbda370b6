"""Re-examination visits: which visit a reminder belongs to, and dates patients type."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from bot.domain.understanding.text import normalize
from bot.domain.understanding.times import read_day

PER_VISIT = 100  # occurrences of one step for one visit (plans allow at most 100)
WEEKDAYS = "一二三四五六日"
_FULL_DATE_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?")
_MONTH_DAY_RE = re.compile(r"(\d{1,2})\s*(?:[/.月-])\s*(\d{1,2})\s*[日号]?")
_WEEKDAY_RE = re.compile(r"(下下|下个?|这个?|本)?\s*(?:周|星期|礼拜)\s*([一二三四五六日天1-7])")
_RELATIVE_DAYS = {"今天": 0, "明天": 1, "后天": 2, "大后天": 3}


class VisitChoice(StrEnum):
    """The ready-made answers to "which day instead?"."""

    IN_1W = "1w"
    IN_2W = "2w"
    IN_1MO = "1mo"


CHOICE_DAYS = {VisitChoice.IN_1W: 7, VisitChoice.IN_2W: 14, VisitChoice.IN_1MO: 30}


class DateProblem(StrEnum):
    UNREADABLE = "unreadable"
    PAST = "past"


@dataclass(frozen=True)
class ReadDate:
    """A typed date, or why it cannot be the new visit date."""

    day: date | None
    problem: DateProblem | None = None


def visit_occurrence(visit: date, occurrence: int) -> int:
    """Return the outbox occurrence of a re-exam step's `occurrence` for this visit date."""
    return visit.toordinal() * PER_VISIT + occurrence


def visit_occurrences(occurrence: int) -> range:
    """Return the occurrences that remind of the same visit as this one."""
    first = occurrence - occurrence % PER_VISIT
    return range(first, first + PER_VISIT)


def choice_date(choice: VisitChoice, today: date) -> date:
    """Return the date a ready-made choice means."""
    return today + timedelta(days=CHOICE_DAYS[choice])


def read_visit_date(text: str, today: date) -> ReadDate:
    """Read a new visit date as typed (2026-12-20, 12月20日, 12/20, 下周一, 明天)."""
    day = _parse(unicodedata.normalize("NFKC", text).strip(), today)
    if day is None:
        return ReadDate(None, DateProblem.UNREADABLE)
    if day <= today:
        return ReadDate(day, DateProblem.PAST)
    return ReadDate(day)


def _parse(text: str, today: date) -> date | None:
    """Return the date text names, or None."""
    if text in _RELATIVE_DAYS:
        return today + timedelta(days=_RELATIVE_DAYS[text])
    if match := _FULL_DATE_RE.fullmatch(text):
        return _date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    if match := _MONTH_DAY_RE.fullmatch(text):
        return _next_month_day(int(match.group(1)), int(match.group(2)), today)
    if match := _WEEKDAY_RE.fullmatch(text):
        return _weekday(match.group(1) or "", match.group(2), today)
    return read_day(normalize(text), today)  # "11月30号上午", "30号", "next friday"


def _date(year: int, month: int, day: int) -> date | None:
    """Return the date, or None when there is no such day."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _next_month_day(month: int, day: int, today: date) -> date | None:
    """Return the month and day this year, or next year when it has passed."""
    this_year = _date(today.year, month, day)
    if this_year is not None and this_year > today:
        return this_year
    return _date(today.year + 1, month, day)


def _weekday(which: str, name: str, today: date) -> date:
    """Return 周X (the coming one), 下周X (next week's) or 下下周X (the week after)."""
    target = 6 if name == "天" else (int(name) - 1 if name.isdigit() else WEEKDAYS.index(name))
    monday = today - timedelta(days=today.weekday())
    weeks = {"下下": 2}.get(which, 1 if which.startswith("下") else 0)
    day = monday + timedelta(weeks=weeks, days=target)
    return day if weeks or day > today else day + timedelta(weeks=1)
