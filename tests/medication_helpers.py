"""Helpers for the medication tests: one parsed entry, a problem's code, reminder plans."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from bot.domain.medications.model import DEFAULT_TIMES, Frequency, MedicationEntry
from bot.domain.medications.parsing import parse_medications
from bot.domain.medications.reminders import reminder_times
from bot.domain.medications.times import NO_QUIET_HOURS, QuietHours

SHANGHAI = ZoneInfo("Asia/Shanghai")
NIGHT = QuietHours(time(22), time(7))
DISCHARGED = datetime(2026, 11, 18, 10, 30, tzinfo=SHANGHAI)  # a Wednesday
EARLY_DISCHARGE = datetime(2026, 11, 18, 7, 0, tzinfo=SHANGHAI)


def one(text: str) -> MedicationEntry:
    """Parse text that must hold exactly one readable entry."""
    entries, problems = parse_medications(text)
    assert problems == []
    assert len(entries) == 1
    return entries[0]


def problem(text: str) -> str:
    """Parse text that must hold exactly one unreadable entry; return its code."""
    entries, problems = parse_medications(text)
    assert entries == []
    assert len(problems) == 1
    assert problems[0].text == text.strip()
    return problems[0].code


def entry(frequency: Frequency, days: int | None = None) -> MedicationEntry:
    """Build an entry directly, bypassing the parser."""
    return MedicationEntry("药 " + frequency.value, "药", None, frequency, days)


def local(moments: list[datetime]) -> list[str]:
    """Show UTC moments as Shanghai wall-clock strings."""
    return [m.astimezone(SHANGHAI).strftime("%m-%d %H:%M") for m in moments]


def plan(
    frequency: Frequency,
    days: int | None,
    start: datetime = DISCHARGED,
    quiet: QuietHours = NO_QUIET_HOURS,
    times: dict[Frequency, tuple[time, ...]] = DEFAULT_TIMES,
    default_days: int = 30,
) -> list[datetime]:
    """Return the reminders of a made-up entry."""
    return reminder_times(entry(frequency, days), start, SHANGHAI, times, quiet, default_days)
