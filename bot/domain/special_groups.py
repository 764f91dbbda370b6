"""The patients the office must reach 100% (emergency, critical, difficult, chronic and
regular re-examination: the 000 seed), from the words of the special groups file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.domain import data_files
from bot.domain.word_lists import fold, load_word_lists

FIELDS = ("flag_keywords", "diagnosis_keywords", "plans")


class SpecialGroupsError(data_files.DataFileError):
    """A problem in the special groups file, naming the file, the line and the field."""

    def __init__(self, file: str, line: int | None, field: str | None, message: str) -> None:
        self.line = line
        super().__init__(file, (("line", line),), field, message)


@dataclass(frozen=True)
class SpecialGroups:
    """Which stays belong to the groups followed up without exception."""

    flag_keywords: tuple[str, ...] = ()
    diagnosis_keywords: tuple[str, ...] = ()
    plans: tuple[str, ...] = ()

    def is_special(self, flags: str | None, diagnosis: str | None, plan: str | None) -> bool:
        """Say whether a stay with these 特殊标记, diagnosis and plan is special."""
        if plan is not None and plan in self.plans:
            return True
        return _mentions(flags, self.flag_keywords) or _mentions(diagnosis, self.diagnosis_keywords)


def load_special_groups(path: Path) -> SpecialGroups:
    """Read and check the special groups file; raise SpecialGroupsError naming line and field."""
    return SpecialGroups(**load_word_lists(path, FIELDS, SpecialGroupsError))


def _mentions(text: str | None, words: tuple[str, ...]) -> bool:
    folded = fold(text or "")
    return bool(folded) and any(fold(word) in folded for word in words)
