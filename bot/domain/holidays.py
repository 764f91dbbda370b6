"""Public holidays and adjusted working days (调休): office files, chinese-calendar, `holidays`."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import chinese_calendar

from bot.domain.office_holidays import OfficeYear, load_office_years

if TYPE_CHECKING:
    import holidays as holidays_package

WARN_DAYS_BEFORE = 60  # warn this long before the authoritative holiday data runs out


class HolidaySource(StrEnum):
    OFFICE = "office"  # the State Council's notice, typed in by the office
    CHINESE_CALENDAR = "chinese_calendar"
    HOLIDAYS_PACKAGE = "holidays_package"  # rule-based: future years are estimates


AUTHORITATIVE = frozenset({HolidaySource.OFFICE, HolidaySource.CHINESE_CALENDAR})


class HolidayCalendar(Protocol):
    def is_public_holiday(self, day: date) -> bool:
        """Say whether a local day is a public holiday (no follow-up messages)."""
        ...


@runtime_checkable
class WorkdayCalendar(Protocol):
    def is_adjusted_workday(self, day: date) -> bool:
        """Say whether a weekend day is worked instead of a holiday (调休上班)."""
        ...


class NoHolidays:
    """A calendar without public holidays."""

    def is_public_holiday(self, day: date) -> bool:
        """Say no: no day is a public holiday."""
        return False


class ChineseHolidays:
    """Statutory holidays of mainland China (package `chinese-calendar`), not ordinary weekends."""

    def __init__(self) -> None:
        years = [day.year for day in chinese_calendar.holidays]
        self.first_year: int = min(years)
        self.last_year: int = max(years)

    def covers(self, year: int) -> bool:
        """Say whether the package has holiday data for a year."""
        return self.first_year <= year <= self.last_year

    def is_public_holiday(self, day: date) -> bool:
        """Say whether a day is a statutory day off; adjusted working days (调休) are not."""
        if not self.covers(day.year):
            return False
        day_off, name = chinese_calendar.get_holiday_detail(day)
        return bool(day_off) and name is not None

    def is_adjusted_workday(self, day: date) -> bool:
        """Say whether a weekend day is a working day in the package's data."""
        return self.covers(day.year) and day.weekday() >= 5 and chinese_calendar.is_workday(day)


class PackageHolidays:
    """China in the `holidays` package: every year, but later years are computed estimates."""

    @functools.cached_property
    def _china(self) -> holidays_package.HolidayBase:
        # imported and made at first use: the import alone costs about 0.05 s of CPU, and
        # most starts only need years chinese-calendar covers
        import holidays as holidays_package

        # the country: the package imports every country's module (about 0.3 s)
        return holidays_package.country_holidays("CN")

    def is_public_holiday(self, day: date) -> bool:
        """Say whether the package lists the day as a public holiday."""
        return day in self._china

    def is_adjusted_workday(self, day: date) -> bool:
        """Say whether the package lists the weekend day as worked (调休上班)."""
        self._china.get(day)  # populates the day's year
        return day in self._china.weekend_workdays


class LayeredHolidays:
    """Holidays by precedence: the office's file, else chinese-calendar, else `holidays`."""

    def __init__(self, office: dict[int, OfficeYear]) -> None:
        self.office = office
        self.calendar = ChineseHolidays()
        self.package = PackageHolidays()

    def source(self, year: int) -> HolidaySource:
        """Return where a year's holidays come from."""
        if year in self.office:
            return HolidaySource.OFFICE
        if self.calendar.covers(year):
            return HolidaySource.CHINESE_CALENDAR
        return HolidaySource.HOLIDAYS_PACKAGE

    def is_public_holiday(self, day: date) -> bool:
        """Say whether a day is a public holiday, from the year's best source."""
        source = self.source(day.year)
        if source is HolidaySource.OFFICE:
            return day in self.office[day.year].holidays
        if source is HolidaySource.CHINESE_CALENDAR:
            return self.calendar.is_public_holiday(day)
        return self.package.is_public_holiday(day)

    def is_adjusted_workday(self, day: date) -> bool:
        """Say whether a weekend day is worked instead (调休上班), from the year's best source."""
        source = self.source(day.year)
        if source is HolidaySource.OFFICE:
            return day in self.office[day.year].workdays
        if source is HolidaySource.CHINESE_CALENDAR:
            return self.calendar.is_adjusted_workday(day)
        return self.package.is_adjusted_workday(day)

    def authoritative_until(self, today: date) -> date:
        """Return the last day from today on covered by an authoritative source, without gaps."""
        year = today.year
        while self.source(year) in AUTHORITATIVE:
            year += 1
        return date(year, 1, 1) - timedelta(days=1)


def load_holidays(skip: bool, office_dir: Path) -> HolidayCalendar:
    """Return the holiday calendar the settings ask for (raises HolidayFileError)."""
    if not skip:
        return NoHolidays()
    return LayeredHolidays(load_office_years(office_dir))


@dataclass(frozen=True)
class HolidayDataWarning:
    """Authoritative holiday data ends soon (or has ended): the office should act."""

    last_day: date
    next_year: int
    days_left: int


def holiday_data_warning(calendar: HolidayCalendar, today: date) -> HolidayDataWarning | None:
    """Warn when authoritative holiday data ends within WARN_DAYS_BEFORE days of today."""
    if not isinstance(calendar, LayeredHolidays):
        return None
    last = calendar.authoritative_until(today)
    days_left = (last - today).days
    if days_left > WARN_DAYS_BEFORE:
        return None
    return HolidayDataWarning(last, last.year + 1, days_left)
