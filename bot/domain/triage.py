"""Triage of what a patient types: danger (a red flag now), a death, or anything else.

The words are data (messages/triage/danger.yaml, death.yaml), in Chinese and English; both
lists are read whatever the chat's language, since people mix them. A phrase right after a
negation word in the same clause does not count ("没有胸痛", "no chest pain").
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from bot.domain import data_files

TRIAGE_DIR = Path(__file__).resolve().parents[2] / "messages" / "triage"
WILDCARD = "*"  # up to four characters of the same clause
WILDCARD_SPAN = r"[^\s]{0,4}"
NEGATION_GAP = 1  # characters (Chinese) or words (English) allowed after a negation word
CLAUSE_BREAK = re.compile(r"[,，。！？；;!?\n、:：]|\.(?!\d)")
LOCALES = ("zh_CN", "en")


class Triage(StrEnum):
    """What a patient's free text calls for."""

    DANGER = "danger"  # a red flag now, and the safe advice (120, the emergency department)
    DEATH = "death"  # condolence, and staff asked to confirm the death
    OTHER = "other"  # recorded and put before staff


@dataclass(frozen=True)
class Phrase:
    """One listed phrase, compiled: Chinese ones ignore spaces, English ones match words."""

    text: str
    pattern: re.Pattern[str]
    wordy: bool  # English: negation is counted in words, not characters


@dataclass(frozen=True)
class Lexicon:
    """The phrases of one triage list and the negation words that cancel them."""

    phrases: tuple[Phrase, ...]
    negations: frozenset[str]

    def first_match(self, text: str) -> str | None:
        """Return the first phrase said (not negated) in the text, else None."""
        for clause in CLAUSE_BREAK.split(folded(text)):
            for phrase in self.phrases:
                said = clause if phrase.wordy else re.sub(r"\s+", "", clause)
                for match in phrase.pattern.finditer(said):
                    if not self._negated(said[: match.start()], phrase.wordy):
                        return phrase.text
        return None

    def _negated(self, before: str, wordy: bool) -> bool:
        if wordy:
            words = re.findall(r"[\w']+", before)[-(NEGATION_GAP + 1) :]
            return any(word in self.negations for word in words)
        return any(
            word in before[-(len(word) + NEGATION_GAP) :]
            for word in self.negations
            if not _is_ascii(word)
        )


@dataclass(frozen=True)
class TriageLists:
    """The danger and death lists together."""

    danger: Lexicon
    death: Lexicon

    def read(self, text: str) -> Triage:
        """Triage a message: a death first (danger after it is moot), then danger, else other."""
        if self.death.first_match(text) is not None:
            return Triage.DEATH
        if self.danger.first_match(text) is not None:
            return Triage.DANGER
        return Triage.OTHER


def folded(text: str) -> str:
    """Fold width and case, and straighten apostrophes, so "ＮＯ" and "No" read alike."""
    return unicodedata.normalize("NFKC", text).casefold().replace("\u2019", "'")


def _is_ascii(word: str) -> bool:
    return word.isascii()


def _compile(text: str) -> Phrase:
    phrase = folded(text).strip()
    parts = [re.escape(part) for part in phrase.split(WILDCARD)]
    if _is_ascii(phrase):
        words = WILDCARD_SPAN.join(parts).replace(r"\ ", r"\s+")
        return Phrase(text, re.compile(rf"(?<![\w']){words}(?![\w])"), wordy=True)
    return Phrase(text, re.compile(WILDCARD_SPAN.join(p.replace(r"\ ", "") for p in parts)), False)


@dataclass(frozen=True)
class _File:
    name: str

    def error(self, field: str | None, message: str) -> Exception:
        return data_files.DataFileError(self.name, (), field, message)


def load_lexicon(path: Path) -> Lexicon:
    """Read one triage list; a wrong file names itself and the field."""
    where = _File(data_files.display(path))
    listed = data_files.read_yaml(path, where, report_missing=True)
    if not isinstance(listed, dict):
        raise where.error(None, "expected negations: and phrases:")
    phrases: list[Phrase] = []
    negations: set[str] = set()
    for field in ("phrases", "negations"):
        by_locale = listed.get(field)
        if not isinstance(by_locale, dict) or set(by_locale) - set(LOCALES):
            raise where.error(field, f"expected {' and '.join(LOCALES)}")
        for locale, words in by_locale.items():
            if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
                raise where.error(f"{field}.{locale}", "expected words")
            if field == "phrases":
                phrases.extend(_compile(word) for word in words)
            else:
                negations.update(folded(word) for word in words)
    return Lexicon(tuple(phrases), frozenset(negations))


@functools.cache
def triage_lists(directory: Path = TRIAGE_DIR) -> TriageLists:
    """Return the danger and death lists (read once)."""
    return TriageLists(
        load_lexicon(directory / "danger.yaml"), load_lexicon(directory / "death.yaml")
    )


def triage(text: str) -> Triage:
    """Triage a message with the hospital's lists."""
    return triage_lists().read(text)
