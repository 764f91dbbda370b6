"""The worklist's rules as data (messages/calls/worklist.yaml), read strictly."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.domain import data_files
from bot.domain.calls import CallReason
from bot.domain.data_files import DataFileError

RULES_FILE = Path(__file__).resolve().parents[3] / "messages" / "calls" / "worklist.yaml"
TOP_FIELDS = ("reasons", "special_bonus", "within_days")
REASON_FIELDS = ("priority", "after_days")
OPTIONAL_REASON_FIELDS = ("urgent",)
MAX_NUMBER = 10_000


@dataclass(frozen=True)
class ReasonRule:
    """How one reason ranks and when its call is due."""

    priority: int
    after_days: int
    urgent: bool = False  # due at once, any day and hour: not held for the calling hours


@dataclass(frozen=True)
class WorklistRules:
    """Every reason's rule, the special groups' bonus, and how far back steps are owed."""

    reasons: dict[CallReason, ReasonRule]
    special_bonus: int
    within_days: int

    def priority(self, reason: CallReason, special: bool) -> int:
        """Return a task's priority: its reason's, plus the bonus for a special patient."""
        return self.reasons[reason].priority + (self.special_bonus if special else 0)


class _Where:
    def __init__(self, file: str, reason: str | None = None) -> None:
        self.file, self.reason = file, reason

    def error(self, field: str | None, message: str) -> Exception:
        return DataFileError(self.file, (("reason", self.reason),), field, message)


def load_worklist_rules(path: Path = RULES_FILE) -> WorklistRules:
    """Read the rules file; raise DataFileError naming the file, reason and field."""
    where = _Where(data_files.display(path))
    raw = data_files.read_yaml(path, where, report_missing=True)
    fields = data_files.checked_fields(raw, where, None, TOP_FIELDS, TOP_FIELDS)
    reasons = fields["reasons"]
    if not isinstance(reasons, dict):
        raise where.error("reasons", "expected a mapping of reason → {priority, after_days}")
    known = ", ".join(reason.value for reason in CallReason)
    rules: dict[CallReason, ReasonRule] = {}
    for name, value in reasons.items():
        if name not in set(CallReason):
            raise where.error(f"reasons.{name}", f"unknown reason; known: {known}")
        rules[CallReason(name)] = _reason(value, _Where(where.file, str(name)))
    missing = [reason.value for reason in CallReason if reason not in rules]
    if missing:
        raise where.error("reasons", f"missing reasons: {', '.join(missing)}")
    bonus = _number(fields["special_bonus"], where, "special_bonus")
    within = _number(fields["within_days"], where, "within_days")
    return WorklistRules(rules, bonus, within)


def _reason(raw: object, where: _Where) -> ReasonRule:
    allowed = REASON_FIELDS + OPTIONAL_REASON_FIELDS
    fields = data_files.checked_fields(raw, where, None, allowed, REASON_FIELDS)
    return ReasonRule(
        _number(fields["priority"], where, "priority"),
        _number(fields["after_days"], where, "after_days"),
        data_files.as_bool(fields.get("urgent", False), where, "urgent"),
    )


def _number(raw: object, where: _Where | data_files.Where, field: str) -> int:
    """Return a whole number from 0 to MAX_NUMBER, or raise naming the field."""
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw <= MAX_NUMBER:
        got = data_files.type_name(raw) if not isinstance(raw, int) else str(raw)
        raise where.error(field, f"expected a whole number from 0 to {MAX_NUMBER}, got {got}")
    return raw
