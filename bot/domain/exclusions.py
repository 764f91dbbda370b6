"""Diagnoses and departments the office keeps out of follow-up (e.g. 性病, 男科: privacy)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from bot.domain import data_files
from bot.domain.discharge.model import DischargeRecord, ExclusionReason, ParsedList
from bot.domain.word_lists import fold, load_word_lists

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
class ExclusionRules:
    departments: tuple[str, ...] = ()
    diagnosis_keywords: tuple[str, ...] = ()

    def reason(self, department: str, diagnosis: str | None) -> ExclusionReason | None:
        """Return why a stay is kept out by this rule: its department, else its diagnosis."""
        if fold(department) in {fold(name) for name in self.departments}:
            return ExclusionReason.EXCLUDED_DEPARTMENT
        folded = fold(diagnosis or "")
        if folded and any(fold(word) in folded for word in self.diagnosis_keywords):
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
    return ExclusionRules(**load_word_lists(path, FIELDS, ExclusionRuleError))
