"""The office's holiday file: one year of the State Council's notice, checked line by line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path

FILE_SUFFIX = ".txt"
FIRST_YEAR, LAST_YEAR = 2000, 2100
LINE_FORM = (
    "expected 放假 (holiday) or 上班 (adjusted working day), then a date YYYY-MM-DD or a range "
    "YYYY-MM-DD~YYYY-MM-DD, then an optional name, e.g. 放假 2027-02-06~2027-02-13 春节"
)
LINE_PATTERN = re.compile(
    r"^(?P<kind>\S+)\s+(?P<first>\S+?)(?:\s*(?:~|～|至|--|\.\.)\s*(?P<last>\S+?))?(?:\s+(?P<name>.*))?$"
)
DATE_PATTERN = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
MAX_RANGE_DAYS = 15  # no holiday in a notice is longer; a longer range is a typing error


class DayKind(StrEnum):
    HOLIDAY = "holiday"
    WORKDAY = "workday"


KIND_WORDS = {
    "放假": DayKind.HOLIDAY,
    "休": DayKind.HOLIDAY,
    "holiday": DayKind.HOLIDAY,
    "上班": DayKind.WORKDAY,
    "班": DayKind.WORKDAY,
    "workday": DayKind.WORKDAY,
}
KIND_NAMES = {DayKind.HOLIDAY: "a holiday (放假)", DayKind.WORKDAY: "a working day (上班)"}


class HolidayFileError(ValueError):
    """An office holiday file is wrong; the message names the file, the line and the fix."""


@dataclass(frozen=True)
class OfficeYear:
    """One year's public holidays and adjusted working days, as the office typed them."""

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]
    source: str


def load_office_years(folder: Path) -> dict[int, OfficeYear]:
    """Read every `YYYY.txt` in folder (none if it does not exist)."""
    if not folder.is_dir():
        return {}
    years = [parse_office_file(path) for path in sorted(folder.glob(f"*{FILE_SUFFIX}"))]
    return {year.year: year for year in years}


def parse_office_file(path: Path) -> OfficeYear:
    """Read one office file, raising HolidayFileError naming the file and line."""
    year = _year_of(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise HolidayFileError(f"{path}: cannot be read ({error}); save it as UTF-8 text") from None
    return parse_office_text(text, year, str(path))


def _year_of(path: Path) -> int:
    stem = path.stem
    if not re.fullmatch(r"\d{4}", stem) or not FIRST_YEAR <= int(stem) <= LAST_YEAR:
        raise HolidayFileError(
            f"{path}: the file name must be the year the notice is for, "
            f"{FIRST_YEAR} to {LAST_YEAR}, e.g. 2027{FILE_SUFFIX}"
        )
    return int(stem)


def parse_office_text(text: str, year: int, source: str) -> OfficeYear:
    """Parse a file's text: one line per holiday or working day (or range); `#` comments."""
    seen: dict[date, tuple[DayKind, int]] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        where = f"{source}, line {number}"
        kind, days = _parse_line(line, year, where)
        for day in days:
            if day in seen:
                earlier_kind, earlier_line = seen[day]
                raise HolidayFileError(
                    f"{where}: {day} is already listed as {KIND_NAMES[earlier_kind]} on line "
                    f"{earlier_line}; list each day once, either as 放假 or as 上班"
                )
            seen[day] = (kind, number)
    holidays = frozenset(d for d, (kind, _) in seen.items() if kind is DayKind.HOLIDAY)
    if not holidays:
        raise HolidayFileError(
            f"{source}: lists no holidays; copy the State Council's notice for {year}, "
            "one line per holiday, e.g. 放假 2027-10-01~2027-10-07 国庆节"
        )
    workdays = frozenset(d for d, (kind, _) in seen.items() if kind is DayKind.WORKDAY)
    return OfficeYear(year, holidays, workdays, source)


def _parse_line(line: str, year: int, where: str) -> tuple[DayKind, list[date]]:
    match = LINE_PATTERN.match(line)
    kind = KIND_WORDS.get(match.group("kind").lower()) if match else None
    if match is None or kind is None:
        raise HolidayFileError(f"{where}: {line!r}: {LINE_FORM}")
    first = _parse_date(match.group("first"), year, where)
    last = _parse_date(match.group("last"), year, where) if match.group("last") else first
    if last < first:
        raise HolidayFileError(f"{where}: the range ends ({last}) before it starts ({first})")
    length = (last - first).days + 1
    if length > MAX_RANGE_DAYS:
        raise HolidayFileError(
            f"{where}: a range of {length} days; no holiday is longer than {MAX_RANGE_DAYS} days, "
            "check the dates"
        )
    days = [first + timedelta(days=n) for n in range(length)]
    if kind is DayKind.WORKDAY:
        _check_weekend(days, where)
    return kind, days


def _parse_date(text: str, year: int, where: str) -> date:
    match = DATE_PATTERN.match(text)
    if match is None:
        raise HolidayFileError(f"{where}: {text!r} is not a date; write it as YYYY-MM-DD")
    try:
        day = date(*(int(group) for group in match.groups()))
    except ValueError:
        raise HolidayFileError(f"{where}: {text} is not a day of the calendar") from None
    if day.year != year:
        raise HolidayFileError(
            f"{where}: {day} is not in {year}; this file is for {year} only, "
            f"put {day.year}'s days in {day.year}{FILE_SUFFIX}"
        )
    return day


def _check_weekend(days: list[date], where: str) -> None:
    for day in days:
        if day.weekday() < 5:
            raise HolidayFileError(
                f"{where}: {day} is a {day:%A}, already a working day; 上班 lists the weekend "
                "days worked instead of a holiday (调休上班)"
            )
