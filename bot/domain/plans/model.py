"""Follow-up plans as data: steps at offsets from an anchor, and the rules that pick a plan."""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.step_hours import StepHours

DEFAULT_ANSWER_TIMEOUT = timedelta(hours=24)
MAX_OCCURRENCES = 100  # per step, repeats included

OFFSET_FORMS = "use forms like 3d, 2w, 3mo, -1d"
OFFSET_PATTERN = re.compile(r"^([+-]?\d{1,4})(h|d|w|mo)$")
DURATION_PATTERN = re.compile(r"^(\d{1,4})(h|d|w)$")


class StepKind(StrEnum):
    CHECKIN = "checkin"
    EDUCATION = "education"
    REEXAM_REMINDER = "reexam_reminder"
    MEDICATION = "medication"  # a prescribed medicine's reminder; never a plan step
    MEDICATION_TIP = "medication_tip"  # education about medicines: no answer buttons
    MESSAGE = "message"


class Anchor(StrEnum):
    DISCHARGE = "discharge"
    REVISIT = "revisit"
    MEDICATION_END = "medication_end"
    TREATMENT = "treatment"  # the list's 治疗日期/手术日期; discharge when it gives none


class OffsetUnit(StrEnum):
    HOURS = "h"
    DAYS = "d"
    WEEKS = "w"
    MONTHS = "mo"


DURATION_HOURS = {"h": 1, "d": 24, "w": 168}
# Rough lengths, only for sanity checks of repeats (never for due times).
APPROX_HOURS = {
    OffsetUnit.HOURS: 1.0,
    OffsetUnit.DAYS: 24.0,
    OffsetUnit.WEEKS: 168.0,
    OffsetUnit.MONTHS: 730.5,
}


@dataclass(frozen=True)
class Offset:
    """A signed distance from an anchor: hours are elapsed time, the rest local calendar time."""

    amount: int
    unit: OffsetUnit

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"

    def times(self, factor: int) -> Offset:
        """Return this offset multiplied by `factor`."""
        return Offset(self.amount * factor, self.unit)

    def approx_hours(self) -> float:
        """Return the rough length in hours (months counted as 30.4 days)."""
        return self.amount * APPROX_HOURS[self.unit]

    def apply(self, moment: datetime, zone: ZoneInfo) -> datetime:
        """Return `moment` moved by this offset (UTC), days and months on the local calendar."""
        if moment.tzinfo is None:
            raise ValueError("Offset.apply needs a timezone-aware time")
        if self.unit is OffsetUnit.HOURS:
            return moment.astimezone(UTC) + timedelta(hours=self.amount)
        local = moment.astimezone(zone)
        if self.unit is OffsetUnit.MONTHS:
            return _add_months(local, self.amount).astimezone(UTC)
        days = self.amount * (7 if self.unit is OffsetUnit.WEEKS else 1)
        return (local + timedelta(days=days)).astimezone(UTC)


def _add_months(local: datetime, months: int) -> datetime:
    """Move a local time by calendar months, clipping to the month's last day."""
    year, month_index = divmod(local.year * 12 + local.month - 1 + months, 12)
    last_day = calendar.monthrange(year, month_index + 1)[1]
    return local.replace(year=year, month=month_index + 1, day=min(local.day, last_day))


def parse_offset(text: str) -> Offset:
    """Parse an offset such as `3d`, `2w`, `3mo`, `-1d`, `12h` or `0d`."""
    cleaned = unicodedata.normalize("NFKC", text).strip().lower()
    match = OFFSET_PATTERN.match(cleaned)
    if match is None:
        hint = " (write months as mo)" if cleaned.endswith("m") else ""
        raise ValueError(f'"{text}" is not an offset; {OFFSET_FORMS}{hint}')
    return Offset(int(match.group(1)), OffsetUnit(match.group(2)))


def parse_duration(text: str) -> timedelta:
    """Parse a positive fixed duration such as `24h`, `2d` or `1w`."""
    cleaned = unicodedata.normalize("NFKC", text).strip().lower()
    match = DURATION_PATTERN.match(cleaned)
    if match is None or int(match.group(1)) == 0:
        raise ValueError(f'"{text}" is not a duration; use forms like 12h, 24h, 2d, 1w')
    return timedelta(hours=int(match.group(1)) * DURATION_HOURS[match.group(2)])


@dataclass(frozen=True)
class Repeat:
    """Repeat a step every `every` after its first time, until `until` from the anchor.

    Without `until` (YAML `until: enrolled`) the step repeats for as long as the patient stays
    enrolled: MAX_OCCURRENCES times, which stopping, death or a new stay cancel.
    """

    every: Offset
    until: Offset | None


@dataclass(frozen=True)
class PlanStep:
    key: str
    kind: StepKind
    anchor: Anchor
    offset: Offset
    template: str
    survey: str | None = None
    repeat: Repeat | None = None
    answer_timeout: timedelta = DEFAULT_ANSWER_TIMEOUT
    enabled: bool = True
    contact: StepHours | None = None  # the step's own days/hours within the send windows


@dataclass(frozen=True)
class Plan:
    key: str
    names: dict[str, str]
    aliases: tuple[str, ...]
    steps: tuple[PlanStep, ...]
    source: str = field(default="", compare=False)

    def step(self, key: str) -> PlanStep | None:
        """Return the step with this key, if any."""
        return next((step for step in self.steps if step.key == key), None)

    def labels(self) -> set[str]:
        """Return every name this plan answers to, folded for comparison."""
        return {fold(label) for label in (self.key, *self.names.values(), *self.aliases)}


@dataclass(frozen=True)
class PlanRule:
    plan: str
    departments: tuple[str, ...]
    diagnosis_keywords: tuple[str, ...]
    flags: tuple[str, ...] = ()

    def matches(self, department: str, diagnosis: str | None, flags: str | None = None) -> bool:
        """Say whether a patient's department, diagnosis and 特殊标记 fall under this rule."""
        if self.departments and fold(department) not in {fold(d) for d in self.departments}:
            return False
        if self.flags and not any(has_flag(flags, flag) for flag in self.flags):
            return False
        if not self.diagnosis_keywords:
            return True
        folded = fold(diagnosis or "")
        return any(_has_all(folded, keyword) for keyword in self.diagnosis_keywords)


def _has_all(folded: str, keyword: str) -> bool:
    """Say whether every part of a keyword such as 宫外孕+术后 occurs in the folded text."""
    return all(fold(part) in folded for part in keyword.split("+"))


def has_flag(flags: str | None, flag: str) -> bool:
    """Say whether a 特殊标记 cell (e.g. "术后;高龄") carries a flag such as 术后."""
    return bool(fold(flag)) and fold(flag) in fold(flags or "")


@dataclass(frozen=True)
class PlanBook:
    plans: dict[str, Plan]
    rules: tuple[PlanRule, ...]
    default: str

    def find(self, name: str | None) -> Plan | None:
        """Return the plan named by key, locale name or alias (case-insensitive), if any."""
        folded = fold(name or "")
        if not folded:
            return None
        return next((plan for plan in self.plans.values() if folded in plan.labels()), None)

    def choose(
        self,
        plan_column: str | None,
        department: str,
        diagnosis: str | None,
        flags: str | None = None,
    ) -> Plan:
        """Pick a patient's plan: the one named, else the first matching rule, else default."""
        named = self.find(plan_column)
        if named is not None:
            return named
        rule = next((r for r in self.rules if r.matches(department, diagnosis, flags)), None)
        return self.plans[rule.plan if rule is not None else self.default]

    def unknown_plan_name(self, plan_column: str | None) -> bool:
        """Say whether the import's plan column names a plan that does not exist."""
        return bool(fold(plan_column or "")) and self.find(plan_column) is None


def fold(text: str) -> str:
    """Fold text for comparing names: NFKC, trimmed, case-insensitive."""
    return unicodedata.normalize("NFKC", text).strip().casefold()
