"""Diagnoses and departments the office keeps out of follow-up (e.g. 性病, 男科: privacy)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from bot.domain import data_files
from bot.domain.discharge.model import DischargeRecord, ExclusionReason, ParsedList

FIELDS = ("departments", "diagnosis_keywords")
# Reasons the rule may replace: it is checked after death, dispute, arrears and short stays,
# and before a missing consent (the rule says why more than the consent column does).
_REPLACEABLE = (None, ExclusionReason.NO_CONSENT)


class ExclusionRuleError(data_files.DataFileError):
    """A problem in the exclusions file, naming the file, the line and the field."""

    def __init__(self, file: str, line: int | None, field: str | None, message: str) -> None:
        self.line = line
        super().__init__(file, (("line", line),), field, message)


@dataclass(frozen=True)
class _Where:
    file: str
    line: int | None = None

    def error(self, field: str | None, message: str) -> Exception:
        return ExclusionRuleError(self.file, self.line, field, message)


@dataclass(frozen=True)
class ExclusionRules:
    departments: tuple[str, ...] = ()
    diagnosis_keywords: tuple[str, ...] = ()

    def reason(self, department: str, diagnosis: str | None) -> ExclusionReason | None:
        """Return why a stay is kept out by this rule: its department, else its diagnosis."""
        if _fold(department) in {_fold(name) for name in self.departments}:
            return ExclusionReason.EXCLUDED_DEPARTMENT
        folded = _fold(diagnosis or "")
        if folded and any(_fold(word) in folded for word in self.diagnosis_keywords):
            return ExclusionReason.EXCLUDED_DIAGNOSIS
        return None

    def apply(self, parsed: ParsedList) -> ParsedList:
        """Return the list with the rule's reason recorded on the stays it keeps out."""
        return replace(parsed, records=[self._applied(record) for record in parsed.records])

    def _applied(self, record: DischargeRecord) -> DischargeRecord:
        if record.exclusion not in _REPLACEABLE:
            return record
        reason = self.reason(record.department, record.diagnosis)
        return record if reason is None else replace(record, exclusion=reason)


def load_exclusion_rules(path: Path) -> ExclusionRules:
    """Read and check the exclusions file; raise ExclusionRuleError naming line and field."""
    where = _Where(data_files.display(path))
    data_files.read_yaml(path, where, report_missing=True)  # syntax and repeated keys
    root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    if root is None:
        return ExclusionRules()
    if not isinstance(root, yaml.MappingNode):
        raise _Where(where.file, _line(root)).error(None, "expected a mapping of fields")
    lists: dict[str, tuple[str, ...]] = {}
    for key_node, value_node in root.value:
        name = str(key_node.value)
        if name not in FIELDS:
            allowed = ", ".join(FIELDS)
            raise _Where(where.file, _line(key_node)).error(
                name, f"unknown field; allowed fields are: {allowed}"
            )
        lists[name] = _texts(value_node, where.file, name)
    return ExclusionRules(**lists)


def _texts(node: yaml.Node, file: str, name: str) -> tuple[str, ...]:
    """Read a list of non-empty texts, naming the line of a bad item."""
    if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null"):
        return ()
    if not isinstance(node, yaml.SequenceNode):
        raise _Where(file, _line(node)).error(name, "expected a list, e.g. [男科]")
    texts = []
    for item in node.value:
        if not isinstance(item, yaml.ScalarNode) or not item.tag.endswith(":str"):
            raise _Where(file, _line(item)).error(name, "expected text in quotes or plain words")
        if not str(item.value).strip():
            raise _Where(file, _line(item)).error(name, "must not be empty")
        texts.append(str(item.value).strip())
    return tuple(texts)


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _fold(text: str) -> str:
    """Fold for comparing: NFKC, no spaces, case-insensitive."""
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()
