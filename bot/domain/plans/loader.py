"""Read a folder of plan files and rules.yaml, validated, into a PlanBook."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from bot.domain import data_files
from bot.domain.plans.errors import PlanError, Where
from bot.domain.plans.fields import (
    PLAN_LOCALES,
    as_anchor,
    as_contact,
    as_key,
    as_kind,
    as_offset,
    as_repeat,
    as_survey,
    as_template,
    as_texts,
    as_timeout,
    check_step,
)
from bot.domain.plans.model import (
    DEFAULT_ANSWER_TIMEOUT,
    Anchor,
    Plan,
    PlanBook,
    PlanRule,
    PlanStep,
    fold,
)

RULES_FILE = "rules.yaml"
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
RULES_FIELDS = ("default", "rules")
RULE_FIELDS = ("plan", "departments", "diagnosis_keywords", "flags")


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
    where = Where(data_files.display(path))
    data = data_files.checked_fields(
        data_files.read_yaml(path, where, report_missing=True),
        where,
        None,
        PLAN_FIELDS,
        PLAN_REQUIRED,
    )
    key = as_key(data["key"], where, "key")
    names = data_files.load_names(data["names"], where, PLAN_LOCALES)
    aliases = as_texts(data.get("aliases"), where, "aliases")
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
            raise Where(where.file, step.key).error("key", "this step key is used twice")
        steps.append(step)
    return Plan(key, names, aliases, tuple(steps), source=where.file)


def _load_step(
    raw: object, plan_where: Where, number: int, template_exists: Callable[[str], bool]
) -> PlanStep:
    """Read and validate one step."""
    where = Where(plan_where.file, data_files.item_label(raw, number))
    data = data_files.checked_fields(raw, where, None, STEP_FIELDS, STEP_REQUIRED)
    step = PlanStep(
        key=as_key(data["key"], where, "key"),
        kind=as_kind(data["kind"], where, "kind"),
        anchor=as_anchor(data.get("anchor", Anchor.DISCHARGE), where, "anchor"),
        offset=as_offset(data["offset"], where, "offset"),
        template=as_template(data["template"], where, "template"),
        survey=as_survey(data.get("survey"), where, "survey"),
        repeat=as_repeat(data.get("repeat"), where, "repeat"),
        answer_timeout=as_timeout(
            data.get("answer_timeout", DEFAULT_ANSWER_TIMEOUT), where, "answer_timeout"
        ),
        enabled=data_files.as_bool(data.get("enabled", True), where, "enabled"),
        contact=as_contact(data.get("days"), data.get("hours"), where),
    )
    check_step(step, where, template_exists)
    return step


def _check_unique(plan: Plan, known: Mapping[str, Plan]) -> None:
    """Refuse a plan whose key, names or aliases are already used by another plan."""
    where = Where(plan.source)
    labelled = [("key", plan.key)]
    labelled += [(f"names.{locale}", name) for locale, name in plan.names.items()]
    labelled += [("aliases", alias) for alias in plan.aliases]
    for name, label in labelled:
        other = next((p for p in known.values() if fold(label) in p.labels()), None)
        if other is not None:
            raise where.error(name, f'"{label}" already names plan "{other.key}" ({other.source})')


def _load_rules(path: Path, plans: Mapping[str, Plan]) -> tuple[tuple[PlanRule, ...], str]:
    """Read rules.yaml: the default plan and the department/diagnosis rules."""
    where = Where(data_files.display(path))
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
        _load_rule(raw, Where(where.file, rule=number), plans)
        for number, raw in enumerate(raw_rules, start=1)
    )
    return rules, default


def _load_rule(raw: object, where: Where, plans: Mapping[str, Plan]) -> PlanRule:
    """Read one rule."""
    data = data_files.checked_fields(raw, where, None, RULE_FIELDS, ("plan",))
    rule = PlanRule(
        plan=_known_plan(data["plan"], where, "plan", plans),
        departments=as_texts(data.get("departments"), where, "departments"),
        diagnosis_keywords=as_texts(data.get("diagnosis_keywords"), where, "diagnosis_keywords"),
        flags=as_texts(data.get("flags"), where, "flags"),
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


def _known_plan(raw: object, where: Where, name: str, plans: Mapping[str, Plan]) -> str:
    """Return a plan key that exists."""
    key = data_files.as_text(raw, where, name)
    if key not in plans:
        raise where.error(name, f'no plan "{key}"; plans are: {", ".join(sorted(plans))}')
    return key
