"""How long the delivery log is kept: a number of calendar months, 0 keeping it all."""

from __future__ import annotations

import calendar
from datetime import datetime

MONTHS_MAX = 1200  # a hundred years: any longer is the same as keeping it all
EXPECTED_MONTHS = (
    f"expected a whole number of months: 0 keeps every delivery (the default), "
    f"or 1 to {MONTHS_MAX} prunes the older ones"
)


def parse_retention_months(value: object) -> int:
    """Return the months kept, or raise ValueError saying what is expected."""
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or int(text) > MONTHS_MAX:
        raise ValueError(EXPECTED_MONTHS)
    return int(text)


def months_before(now: datetime, months: int) -> datetime:
    """Return the same moment `months` calendar months earlier (the day clamped to the month)."""
    index = now.year * 12 + now.month - 1 - months
    year, month = divmod(index, 12)
    day = min(now.day, calendar.monthrange(year, month + 1)[1])
    return now.replace(year=year, month=month + 1, day=day)
