"""Follow-up plans as data: steps at offsets from an anchor, loaded from YAML and validated."""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain import data_files
from bot.domain.step_hours import StepHours, step_hours

PLAN_LOCALES = ("zh_CN", "en")
RULES_FILE = "rules.yaml"
REVISIT_ANCHOR_TIME = time(9, 0)
DEFAULT_ANSWER_TIMEOUT = timedelta(hours=24)
MAX_OCCURRENCES = 100  # per step, repeats included

OFFSET_FORMS = "use forms like 3d, 2w, 3mo, -1d"
OFFSET_PATTERN = re.compile(r"^([+-]?\d{1,4})(h|d|w|mo)$")
DURATION_PATTERN = re.compile(r"^(\d{1,4})(h|d|w)$")
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
TEMPLATE_PATTERN = data_files.TEMPLATE_PATTERN

PLAN_FIELDS = ("key", "names", "aliases", "steps")
PLAN_REQUIRED = ("key", "names", "steps")
STEP_FIELDS = (
    "key",
    "kind",
    "anchor",
    "offset",
    "template",
    "survey",
    "repeat",
    "answer_timeout",
    "enabled",
    "days",
    "hours",
)
STEP_REQUIRED = ("key", "kind", "offset", "template")
REPEAT_FIELDS = ("every", "until")
OPEN_ENDED = "enrolled"  # repeat.until: as long as the patient stays enrolled
RULES_FIELDS = ("default", "rules")
RULE_FIELDS = ("plan", "departments", "diagnosis_keywords", "flags")


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
        return {_fold(label) for label in (self.key, *self.names.values(), *self.aliases)}


@dataclass(frozen=True)
class PlanRule:
    plan: str
    departments: tuple[str, ...]
    diagnosis_keywords: tuple[str, ...]
    flags: tuple[str, ...] = ()

    def matches(self, department: str, diagnosis: str | None, flags: str | None = None) -> bool:
        """Say whether a patient's department, diagnosis and 特殊标记 fall under this rule."""
        if self.departments and _fold(department) not in {_fold(d) for d in self.departments}:
            return False
        if self.flags and not any(has_flag(flags, flag) for flag in self.flags):
            return False
        if not self.diagnosis_keywords:
            return True
        folded = _fold(diagnosis or "")
        return any(_has_all(folded, keyword) for keyword in self.diagnosis_keywords)


def _has_all(folded: str, keyword: str) -> bool:
    """Say whether every part of a keyword such as 宫外孕+术后 occurs in the folded text."""
    return all(_fold(part) in folded for part in keyword.split("+"))


def has_flag(flags: str | None, flag: str) -> bool:
    """Say whether a 特殊标记 cell (e.g. "术后;高龄") carries a flag such as 术后."""
    return bool(_fold(flag)) and _fold(flag) in _fold(flags or "")


@dataclass(frozen=True)
class PlanBook:
    plans: dict[str, Plan]
    rules: tuple[PlanRule, ...]
    default: str

    def find(self, name: str | None) -> Plan | None:
        """Return the plan named by key, locale name or alias (case-insensitive), if any."""
        folded = _fold(name or "")
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
        return bool(_fold(plan_column or "")) and self.find(plan_column) is None


@dataclass(frozen=True)
class DueStep:
    step_key: str
    occurrence: int
    kind: StepKind
    template: str
    survey: str | None
    due_at: datetime
    answer_timeout: timedelta
    contact: StepHours | None = None


class PlanError(Exception):
    """A problem in a plan file, naming the file, the step or rule, and the field."""

    def __init__(
        self,
        file: str,
        step: str | None,
        field: str | None,
        message: str,
        rule: int | None = None,
    ) -> None:
        self.file = file
        self.step = step
        self.field = field
        self.message = message
        self.rule = rule
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [self.file]
        if self.step is not None:
            where.append(f"step {self.step}")
        if self.rule is not None:
            where.append(f"rule {self.rule}")
        if self.field is not None:
            where.append(f"field {self.field}")
        return f"{', '.join(where)}: {self.message}"


@dataclass(frozen=True)
class _Where:
    """Where in the plan files a value comes from, to build PlanErrors."""

    file: str
    step: str | None = None
    rule: int | None = None

    def error(self, field: str | None, message: str) -> PlanError:
        """Return a PlanError at this place."""
        return PlanError(self.file, self.step, field, message, rule=self.rule)


# ---------------------------------------------------------------- expanding a plan


def revisit_moment(revisit_at: date, zone: ZoneInfo) -> datetime:
    """Return the anchor moment (UTC) of a re-examination date: 09:00 local that day."""
    return datetime.combine(revisit_at, REVISIT_ANCHOR_TIME, tzinfo=zone).astimezone(UTC)


def expand_plan(
    plan: Plan,
    discharged_at: datetime,
    revisit_at: date | None,
    medication_end: datetime | None,
    zone: ZoneInfo,
    treated_on: date | None = None,
) -> list[DueStep]:
    """List every occurrence of every enabled step, sorted by due time (UTC)."""
    discharge = _aware(discharged_at, "discharged_at")
    anchors = {
        Anchor.DISCHARGE: discharge,
        Anchor.TREATMENT: treatment_moment(treated_on, discharge, zone),
        Anchor.REVISIT: None if revisit_at is None else revisit_moment(revisit_at, zone),
        Anchor.MEDICATION_END: None
        if medication_end is None
        else _aware(medication_end, "medication_end"),
    }
    position = {step.key: index for index, step in enumerate(plan.steps)}
    due = [
        _due_step(step, occurrence, moment)
        for step in plan.steps
        if step.enabled and (anchor := anchors[step.anchor]) is not None
        for occurrence, moment in enumerate(step_times(step, anchor, zone))
    ]
    return sorted(due, key=lambda d: (d.due_at, position[d.step_key], d.occurrence))


def treatment_moment(treated_on: date | None, discharge: datetime, zone: ZoneInfo) -> datetime:
    """Return the treatment anchor: the treatment day at the discharge's local time of day.

    Without a treatment date the discharge counts: in-patients are treated before they leave,
    so counting from discharge is never earlier than the seed's "days after treatment".
    """
    if treated_on is None:
        return discharge
    wall = discharge.astimezone(zone).time()
    return datetime.combine(treated_on, wall, tzinfo=zone).astimezone(UTC)


def step_times(step: PlanStep, anchor: datetime, zone: ZoneInfo) -> list[datetime]:
    """Return the due times (UTC) of a step's first occurrence and its repeats."""
    first = step.offset.apply(anchor, zone)
    if step.repeat is None:
        return [first]
    until = step.repeat.until
    last = None if until is None else until.apply(anchor, zone)
    times = [first]
    for count in range(1, MAX_OCCURRENCES):
        moment = _repeat_time(step.offset, step.repeat.every, count, anchor, first, zone)
        if last is not None and moment > last:
            break
        times.append(moment)
    return times


def _repeat_time(
    offset: Offset, every: Offset, count: int, anchor: datetime, first: datetime, zone: ZoneInfo
) -> datetime:
    """Return the time of repeat `count`, counted from the anchor when units agree (no drift)."""
    if every.unit is offset.unit:
        return Offset(offset.amount + count * every.amount, offset.unit).apply(anchor, zone)
    return every.times(count).apply(first, zone)


def _due_step(step: PlanStep, occurrence: int, moment: datetime) -> DueStep:
    """Build the DueStep of one occurrence."""
    return DueStep(
        step_key=step.key,
        occurrence=occurrence,
        kind=step.kind,
        template=step.template,
        survey=step.survey,
        due_at=moment,
        answer_timeout=step.answer_timeout,
        contact=step.contact,
    )


def _aware(moment: datetime, name: str) -> datetime:
    """Return an aware time in UTC, refusing naive ones."""
    if moment.tzinfo is None:
        raise ValueError(f"{name} must be timezone-aware")
    return moment.astimezone(UTC)


# ---------------------------------------------------------------- editing a step


def replace_step(
    plan: Plan,
    step_key: str,
    *,
    template_exists: Callable[[str], bool] | None = None,
    **changes: object,
) -> Plan:
    """Return the plan with one step changed (offset, template, enabled ...), validated."""
    where = _Where(plan.source or f"plan {plan.key}", step=step_key)
    old = plan.step(step_key)
    if old is None:
        known = ", ".join(step.key for step in plan.steps)
        raise where.error(None, f"no such step in this plan; steps are: {known}")
    coerced: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "key":
            raise where.error("key", "a step key cannot be changed (it identifies sent messages)")
        if name not in STEP_COERCERS:
            raise where.error(name, f"unknown field; fields are: {', '.join(STEP_COERCERS)}")
        coerced[name] = STEP_COERCERS[name](value, where, name)
    new = replace(old, **coerced)
    _check_step(new, where, template_exists)
    steps = tuple(new if step.key == step_key else step for step in plan.steps)
    return replace(plan, steps=steps)


# ---------------------------------------------------------------- field coercion


def _as_key(raw: object, where: _Where, name: str) -> str:
    """Return an identifier such as `day3` or `checkin_first`."""
    text = data_files.as_text(raw, where, name)
    if not KEY_PATTERN.match(text):
        raise where.error(
            name, f'"{text}" is not a valid key; use a-z, 0-9 and _, starting with a letter'
        )
    return text


def _as_survey(raw: object, where: _Where, name: str) -> str | None:
    """Return a survey key, or None when absent."""
    return None if raw is None else _as_key(raw, where, name)


def _as_template(raw: object, where: _Where, name: str) -> str:
    """Return a template key such as `plans/general/day3_checkin`."""
    return data_files.as_template(raw, where, name, "plans/general/day3_checkin")


def _as_kind(raw: object, where: _Where, name: str) -> StepKind:
    """Return a step kind; `medication` in a plan (older files and edits) is a tip."""
    kind = data_files.as_choice(raw, where, name, StepKind)
    # Reminders of a prescribed medicine come from the discharge list, never from a plan.
    return StepKind.MEDICATION_TIP if kind is StepKind.MEDICATION else kind


def _as_anchor(raw: object, where: _Where, name: str) -> Anchor:
    """Return an anchor."""
    return data_files.as_choice(raw, where, name, Anchor)


def _as_offset(raw: object, where: _Where, name: str) -> Offset:
    """Return an offset from an Offset or its text."""
    if isinstance(raw, Offset):
        return raw
    if isinstance(raw, list | dict) or raw is None:
        raise where.error(name, f"expected an offset such as 3d, got {data_files.type_name(raw)}")
    try:
        return parse_offset(str(raw))
    except ValueError as error:
        raise where.error(name, str(error)) from None


def _as_timeout(raw: object, where: _Where, name: str) -> timedelta:
    """Return a positive duration from a timedelta or its text."""
    if isinstance(raw, timedelta):
        return raw
    if isinstance(raw, list | dict) or raw is None:
        raise where.error(name, f"expected a duration such as 24h, got {data_files.type_name(raw)}")
    try:
        return parse_duration(str(raw))
    except ValueError as error:
        raise where.error(name, str(error)) from None


def _as_repeat(raw: object, where: _Where, name: str) -> Repeat | None:
    """Return a Repeat from a Repeat or a mapping with every/until, or None."""
    if raw is None or isinstance(raw, Repeat):
        return raw
    data = data_files.checked_fields(raw, where, name, REPEAT_FIELDS, REPEAT_FIELDS)
    every = _as_offset(data["every"], where, f"{name}.every")
    if isinstance(data["until"], str) and _fold(data["until"]) == OPEN_ENDED:
        return Repeat(every=every, until=None)
    return Repeat(every=every, until=_as_offset(data["until"], where, f"{name}.until"))


def _as_contact(days: object, hours: object, where: _Where) -> StepHours | None:
    """Return a step's own contact days and hours (`days: weekdays`, `hours: 12:00-18:00`)."""
    if days is None and hours is None:
        return None
    chosen = None if days is None else data_files.as_text(days, where, "days")
    window_text = None if hours is None else data_files.as_text(hours, where, "hours")
    try:
        step_hours(chosen, None)
    except ValueError as error:
        raise where.error("days", str(error)) from None
    try:
        return step_hours(chosen, window_text)
    except ValueError as error:
        raise where.error("hours", str(error)) from None


def _as_texts(raw: object, where: _Where, name: str) -> tuple[str, ...]:
    """Return a list of non-empty texts (absent means empty)."""
    return tuple(
        data_files.as_text(item, where, name) for item in data_files.as_list(raw, where, name)
    )


STEP_COERCERS: dict[str, Callable[[object, _Where, str], object]] = {
    "kind": _as_kind,
    "anchor": _as_anchor,
    "offset": _as_offset,
    "template": _as_template,
    "survey": _as_survey,
    "repeat": _as_repeat,
    "answer_timeout": _as_timeout,
    "enabled": data_files.as_bool,
}


# ---------------------------------------------------------------- validating


def _check_step(
    step: PlanStep, where: _Where, template_exists: Callable[[str], bool] | None
) -> None:
    """Check the rules that tie a step's fields together."""
    if step.kind is StepKind.CHECKIN and step.survey is None:
        raise where.error("survey", "check-in steps need a survey, e.g. checkin_first")
    if step.kind is not StepKind.CHECKIN and step.survey is not None:
        raise where.error("survey", f"only checkin steps have a survey, not {step.kind} steps")
    if step.kind is StepKind.REEXAM_REMINDER and step.anchor is not Anchor.REVISIT:
        raise where.error("anchor", "reexam_reminder steps must use anchor: revisit")
    if step.answer_timeout <= timedelta(0):
        raise where.error("answer_timeout", "must be longer than zero")
    if step.repeat is not None:
        _check_repeat(step.offset, step.repeat, where)
    if template_exists is not None and not template_exists(step.template):
        raise where.error("template", data_files.missing_template(step.template, PLAN_LOCALES))


def _check_repeat(offset: Offset, repeat: Repeat, where: _Where) -> None:
    """Check that a repeat moves forward, ends after it starts, and stays small."""
    if repeat.every.amount <= 0:
        raise where.error("repeat.every", f'"{repeat.every}" must be a positive offset, e.g. 3mo')
    if repeat.until is None:
        return  # open-ended: expansion stops at MAX_OCCURRENCES
    span = repeat.until.approx_hours() - offset.approx_hours()
    if span < 0:
        raise where.error(
            "repeat.until", f'"{repeat.until}" comes before the step\'s offset "{offset}"'
        )
    if span / repeat.every.approx_hours() + 1 > MAX_OCCURRENCES:
        raise where.error(
            "repeat", f"repeats more than {MAX_OCCURRENCES} times; use a longer every or until"
        )


# ---------------------------------------------------------------- loading


def load_plan_book(folder: Path, template_exists: Callable[[str], bool]) -> PlanBook:
    """Read and validate every plan file and rules.yaml in a folder; raise the first PlanError."""
    if not folder.is_dir():
        raise PlanError(data_files.display(folder), None, None, "plan folder not found")
    files = sorted(p for p in folder.glob("*.yaml") if p.name != RULES_FILE)
    if not files:
        raise PlanError(data_files.display(folder), None, None, "no plan files (*.yaml) found")
    plans: dict[str, Plan] = {}
    for path in files:
        plan = _load_plan(path, template_exists)
        _check_unique(plan, plans)
        plans[plan.key] = plan
    rules, default = _load_rules(folder / RULES_FILE, plans)
    return PlanBook(plans=plans, rules=rules, default=default)


def _load_plan(path: Path, template_exists: Callable[[str], bool]) -> Plan:
    """Read and validate one plan file."""
    where = _Where(data_files.display(path))
    data = data_files.checked_fields(
        data_files.read_yaml(path, where, report_missing=True),
        where,
        None,
        PLAN_FIELDS,
        PLAN_REQUIRED,
    )
    key = _as_key(data["key"], where, "key")
    names = data_files.load_names(data["names"], where, PLAN_LOCALES)
    aliases = _as_texts(data.get("aliases"), where, "aliases")
    raw_steps = data["steps"]
    if not isinstance(raw_steps, list):
        raise where.error(
            "steps", f"expected a list of steps, got {data_files.type_name(raw_steps)}"
        )
    if not raw_steps:
        raise where.error("steps", "a plan needs at least one step")
    steps: list[PlanStep] = []
    for number, raw in enumerate(raw_steps, start=1):
        step = _load_step(raw, where, number, template_exists)
        if any(other.key == step.key for other in steps):
            raise _Where(where.file, step.key).error("key", "this step key is used twice")
        steps.append(step)
    return Plan(key, names, aliases, tuple(steps), source=where.file)


def _load_step(
    raw: object, plan_where: _Where, number: int, template_exists: Callable[[str], bool]
) -> PlanStep:
    """Read and validate one step."""
    where = _Where(plan_where.file, data_files.item_label(raw, number))
    data = data_files.checked_fields(raw, where, None, STEP_FIELDS, STEP_REQUIRED)
    step = PlanStep(
        key=_as_key(data["key"], where, "key"),
        kind=_as_kind(data["kind"], where, "kind"),
        anchor=_as_anchor(data.get("anchor", Anchor.DISCHARGE), where, "anchor"),
        offset=_as_offset(data["offset"], where, "offset"),
        template=_as_template(data["template"], where, "template"),
        survey=_as_survey(data.get("survey"), where, "survey"),
        repeat=_as_repeat(data.get("repeat"), where, "repeat"),
        answer_timeout=_as_timeout(
            data.get("answer_timeout", DEFAULT_ANSWER_TIMEOUT), where, "answer_timeout"
        ),
        enabled=data_files.as_bool(data.get("enabled", True), where, "enabled"),
        contact=_as_contact(data.get("days"), data.get("hours"), where),
    )
    _check_step(step, where, template_exists)
    return step


def _check_unique(plan: Plan, known: Mapping[str, Plan]) -> None:
    """Refuse a plan whose key, names or aliases are already used by another plan."""
    where = _Where(plan.source)
    labelled = [("key", plan.key)]
    labelled += [(f"names.{locale}", name) for locale, name in plan.names.items()]
    labelled += [("aliases", alias) for alias in plan.aliases]
    for name, label in labelled:
        other = next((p for p in known.values() if _fold(label) in p.labels()), None)
        if other is not None:
            raise where.error(name, f'"{label}" already names plan "{other.key}" ({other.source})')


def _load_rules(path: Path, plans: Mapping[str, Plan]) -> tuple[tuple[PlanRule, ...], str]:
    """Read rules.yaml: the default plan and the department/diagnosis rules."""
    where = _Where(data_files.display(path))
    data = data_files.checked_fields(
        data_files.read_yaml(path, where, report_missing=True),
        where,
        None,
        RULES_FIELDS,
        ("default",),
    )
    default = _known_plan(data["default"], where, "default", plans)
    raw_rules = data.get("rules") or []
    if not isinstance(raw_rules, list):
        raise where.error(
            "rules", f"expected a list of rules, got {data_files.type_name(raw_rules)}"
        )
    rules = tuple(
        _load_rule(raw, _Where(where.file, rule=number), plans)
        for number, raw in enumerate(raw_rules, start=1)
    )
    return rules, default


def _load_rule(raw: object, where: _Where, plans: Mapping[str, Plan]) -> PlanRule:
    """Read one rule."""
    data = data_files.checked_fields(raw, where, None, RULE_FIELDS, ("plan",))
    rule = PlanRule(
        plan=_known_plan(data["plan"], where, "plan", plans),
        departments=_as_texts(data.get("departments"), where, "departments"),
        diagnosis_keywords=_as_texts(data.get("diagnosis_keywords"), where, "diagnosis_keywords"),
        flags=_as_texts(data.get("flags"), where, "flags"),
    )
    for keyword in rule.diagnosis_keywords:
        if not all(part.strip() for part in keyword.split("+")):
            raise where.error(
                "diagnosis_keywords",
                f'"{keyword}" has an empty part; join words with + as in 宫外孕+术后',
            )
    if not rule.departments and not rule.diagnosis_keywords and not rule.flags:
        raise where.error(
            None,
            "a rule needs departments, diagnosis_keywords or flags "
            "(patients no rule matches get the default plan)",
        )
    return rule


def _known_plan(raw: object, where: _Where, name: str, plans: Mapping[str, Plan]) -> str:
    """Return a plan key that exists."""
    key = data_files.as_text(raw, where, name)
    if key not in plans:
        raise where.error(name, f'no plan "{key}"; plans are: {", ".join(sorted(plans))}')
    return key


def _fold(text: str) -> str:
    """Fold text for comparing names: NFKC, trimmed, case-insensitive."""
    return unicodedata.normalize("NFKC", text).strip().casefold()
