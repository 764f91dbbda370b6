"""The words people type for each answer, as data: a shared lexicon keyed by option label and
per-survey phrasings keyed by question and option value (messages/understanding/)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.domain import data_files
from bot.domain.surveys.errors import Where
from bot.domain.understanding.text import core, normalize

LEXICON_FILE = "lexicon.yaml"
REPLIES_FOLDER = "replies"
EXACT_MARK = "="  # "=有": the whole reply must be this phrase (a single word inside others lies)


@dataclass(frozen=True)
class Phrase:
    text: str
    exact: bool


@dataclass(frozen=True)
class Lexicon:
    """Negation words, and phrases by option label name and by survey / question / value."""

    negations: tuple[str, ...]
    labels: Mapping[str, tuple[Phrase, ...]]
    hedges: tuple[str, ...] = ()  # a reply with one of these is left to a person
    courtesies: tuple[str, ...] = ()  # politeness left out before reading
    replies: Mapping[str, Mapping[str, Mapping[str, tuple[Phrase, ...]]]] = field(
        default_factory=dict
    )

    def for_label(self, label: str) -> tuple[Phrase, ...]:
        """Return the phrases of an option label (its template key or last part)."""
        return self.labels.get(label.rsplit("/", 1)[-1], ())

    def for_question(self, survey: str, question: str, value: str) -> tuple[Phrase, ...]:
        """Return the survey's own phrasings of one option of one question."""
        return self.replies.get(survey, {}).get(question, {}).get(value, ())


def phrase(raw: str) -> Phrase:
    """Return a phrase as written in the data, normalized like typed text."""
    exact = raw.startswith(EXACT_MARK)
    text = core(normalize(raw.removeprefix(EXACT_MARK)))
    return Phrase(text, exact or (len(text) == 1))


def load_lexicon(folder: Path) -> Lexicon:
    """Read the shared lexicon and every survey's phrasing file in a folder."""
    path = folder / LEXICON_FILE
    where = Where(data_files.display(path))
    data = data_files.read_yaml(path, where)
    if not isinstance(data, dict):
        raise where.error(None, "expected a mapping with negations and labels")
    negations = tuple(str(word) for word in _words(data.get("negations"), where, "negations"))
    labels = {
        str(label): _phrases(words, where, f"labels.{label}")
        for label, words in _mapping(data.get("labels"), where, "labels").items()
    }
    hedges = tuple(phrase(str(w)).text for w in _words(data.get("hedges"), where, "hedges"))
    courtesies = tuple(
        phrase(str(w)).text for w in _words(data.get("courtesies"), where, "courtesies")
    )
    return Lexicon(negations, labels, hedges, courtesies, _load_replies(folder / REPLIES_FOLDER))


def _load_replies(folder: Path) -> dict[str, dict[str, dict[str, tuple[Phrase, ...]]]]:
    replies: dict[str, dict[str, dict[str, tuple[Phrase, ...]]]] = {}
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        where = Where(data_files.display(path))
        questions = _mapping(data_files.read_yaml(path, where), where, None)
        replies[path.stem] = {
            str(key): {
                str(value): _phrases(words, where, f"{key}.{value}")
                for value, words in _mapping(values, where, str(key)).items()
            }
            for key, values in questions.items()
        }
    return replies


def _mapping(raw: object, where: Where, name: str | None) -> dict[object, object]:
    if not isinstance(raw, dict):
        raise where.error(name, f"expected a mapping, got {data_files.type_name(raw)}")
    return raw


def _words(raw: object, where: Where, name: str) -> list[object]:
    """Return a list of words; a mapping by language (zh_CN, en) is flattened."""
    if isinstance(raw, dict):
        return [word for words in raw.values() for word in _words(words, where, name)]
    if not isinstance(raw, list) or not raw:
        raise where.error(name, f"expected a list of words, got {data_files.type_name(raw)}")
    return raw


def _phrases(raw: object, where: Where, name: str) -> tuple[Phrase, ...]:
    found = tuple(phrase(str(word)) for word in _words(raw, where, name))
    if any(not each.text for each in found):
        raise where.error(name, "a phrase is empty once punctuation is removed")
    return found
