"""How long since discharge, as a person would say it: days, weeks, months or years."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

MONTHS_FROM_DAYS = 30  # below this many days, say days (or whole weeks)


class ElapsedUnit(StrEnum):
    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"
    YEARS = "years"


@dataclass(frozen=True)
class Elapsed:
    """A rounded-down span: `count` units, and `more` when it is a little over that."""

    unit: ElapsedUnit
    count: int
    more: bool = False


def days_between(start: date, today: date) -> int:
    """Return whole local days from start to today (0 on the same day, never negative)."""
    return max(0, (today - start).days)


def elapsed_since(start: date, today: date) -> Elapsed:
    """Say how long ago start was: exact days or weeks for a month, then months, then years."""
    days = days_between(start, today)
    if days < MONTHS_FROM_DAYS:
        if days >= 7 and days % 7 == 0:
            return Elapsed(ElapsedUnit.WEEKS, days // 7)
        return Elapsed(ElapsedUnit.DAYS, days)
    months = (today.year - start.year) * 12 + today.month - start.month
    if today.day < start.day:
        months -= 1
    more = today.day != start.day
    if months < 1:
        return Elapsed(ElapsedUnit.DAYS, days)
    if months < 12:
        return Elapsed(ElapsedUnit.MONTHS, months, more)
    return Elapsed(ElapsedUnit.YEARS, months // 12, more or months % 12 != 0)
