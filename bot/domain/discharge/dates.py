"""Convert date and time cells (written forms, Excel serials) to UTC and local dates."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import NamedTuple
from zoneinfo import ZoneInfo

from bot.domain.discharge.cells import Invalid, clean
from bot.domain.discharge.model import BAD_DATE

MIN_YEAR, MAX_YEAR = 1900, 2100
EXCEL_EPOCH = datetime(1899, 12, 30)
EXCEL_SERIAL_MIN, EXCEL_SERIAL_MAX = 61, 73051  # 1900-03-01 .. 2100-01-01 (exclusive)
SECONDS_PER_DAY = 86400

_TIME = (
    r"(?:(?:\s+|T)(?P<H>[0-9]{1,2}):(?P<M>[0-9]{2})(?::(?P<S>[0-9]{2})(?:\.[0-9]+)?)?"
    r"\s*(?P<tz>Z|[+-][0-9]{2}:?[0-9]{2})?)?"
)
_DASHED_RE = re.compile(
    r"(?P<y>[0-9]{4})[-/.](?P<m>[0-9]{1,2})[-/.](?P<d>[0-9]{1,2})" + _TIME, re.IGNORECASE
)
_COMPACT_RE = re.compile(r"(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})" + _TIME, re.IGNORECASE)
_CHINESE_RE = re.compile(
    r"(?P<y>[0-9]{4})\s*年\s*(?P<m>[0-9]{1,2})\s*月\s*(?P<d>[0-9]{1,2})\s*[日号]?"
    r"(?:\s*(?P<H>[0-9]{1,2})\s*[:时点]\s*(?:(?P<M>[0-9]{1,2})\s*分?)?"
    r"(?:\s*:?\s*(?P<S>[0-9]{1,2})\s*秒?)?)?"
)
_SERIAL_RE = re.compile(r"[0-9]+(?:\.[0-9]+)?")


class Moment(NamedTuple):
    utc: datetime
    local_date: date
    has_time: bool


class DateReader:
    """Converts date/time cells to UTC, remembering text values already seen."""

    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz
        self._seen: dict[str, Moment] = {}

    def day(self, raw: object) -> date | None:
        """Convert a date cell to the local calendar date."""
        moment = self.moment(raw)
        return None if moment is None else moment.local_date

    def moment(self, raw: object) -> Moment | None:
        """Convert a date/time cell; naive values are local time in `tz`."""
        if type(raw) is str:
            known = self._seen.get(raw)
            if known is None:
                known = self._from_text(raw)
                if known is not None:
                    self._seen[raw] = known
            return known
        if raw is None:
            return None
        if isinstance(raw, datetime):
            return self._localise(raw, raw.time() != time(0))
        if isinstance(raw, date):
            return self._localise(datetime.combine(raw, time(0)), False)
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            return self._localise(*_from_serial(raw))  # an int may be too big for a float
        return self._from_text(raw)

    def _from_text(self, raw: object) -> Moment | None:
        """Convert a written date/time."""
        text = clean(raw)
        return self._localise(*_parse_text_moment(text)) if text else None

    def _localise(self, value: datetime, has_time: bool) -> Moment:
        """Attach `tz` to a naive time and return it in UTC with its local date."""
        if not MIN_YEAR <= value.year <= MAX_YEAR:
            raise Invalid(BAD_DATE)
        if value.tzinfo is None:
            utc = value.replace(tzinfo=self.tz).astimezone(UTC)
            return Moment(utc, value.date(), has_time)
        return Moment(value.astimezone(UTC), value.astimezone(self.tz).date(), has_time)


def _parse_text_moment(text: str) -> tuple[datetime, bool]:
    """Parse the written date forms, or an Excel serial number written as text."""
    match = _DASHED_RE.fullmatch(text) or _COMPACT_RE.fullmatch(text)
    match = match or _CHINESE_RE.fullmatch(text)
    if match is None:
        if _SERIAL_RE.fullmatch(text):
            return _from_serial(float(text))
        raise Invalid(BAD_DATE)
    year, month, day, hour, minute, second = match.group("y", "m", "d", "H", "M", "S")
    try:
        value = datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
        )
    except ValueError as exc:
        raise Invalid(BAD_DATE) from exc
    offset = None if match.re is _CHINESE_RE else match["tz"]
    if offset:
        value = value.replace(tzinfo=_offset(offset))
    return value, hour is not None


def _offset(text: str) -> timezone:
    """Turn "Z", "+08:00" or "+0800" into a fixed UTC offset."""
    if text.upper() == "Z":
        return UTC
    digits = text[1:].replace(":", "")
    delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    if delta >= timedelta(hours=24):
        raise Invalid(BAD_DATE)
    return timezone(-delta if text[0] == "-" else delta)


def _from_serial(serial: float) -> tuple[datetime, bool]:
    """Convert an Excel serial day number (1900 system) to a naive datetime."""
    if not EXCEL_SERIAL_MIN <= serial < EXCEL_SERIAL_MAX:
        raise Invalid(BAD_DATE)
    days = int(serial)
    seconds = round((serial - days) * SECONDS_PER_DAY)
    return EXCEL_EPOCH + timedelta(days=days, seconds=seconds), seconds != 0
