"""Which option a typed reply names: the longest phrases found win, a negated one ("不太好"
when only "好" is known) or two different options found means "not understood"."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.domain.understanding.lexicon import Lexicon, Phrase
from bot.domain.understanding.text import CLAUSE_BREAK, core, is_cjk

_ASKING_BOTH = re.compile(r"(\w{1,2})[不没]\1")  # "好不好", "满意不满意": weighing both
NEGATION_WINDOW = 4  # characters (Chinese) or words (English) looked at before a phrase


@dataclass(frozen=True)
class Found:
    value: str
    start: int
    end: int


def exact_option(text: str, phrases: Mapping[str, Iterable[Phrase]]) -> str | None:
    """Return the option whose phrase is the whole reply, if exactly one is."""
    whole = core(text)
    exact = {value for value, each in phrases.items() if any(p.text == whole for p in each)}
    return exact.pop() if len(exact) == 1 else None


def match_option(
    text: str, phrases: Mapping[str, Iterable[Phrase]], lexicon: Lexicon
) -> str | None:
    """Return the one option value the text names, or None when none or several do, or the
    reply hedges ("但是", "说不清", "好不好")."""
    exact = exact_option(text, phrases)
    if exact is not None:
        return exact
    for courtesy in lexicon.courtesies:
        text = _pattern(courtesy).sub(CLAUSE_BREAK, text)
    if _ASKING_BOTH.search(text) or any(_pattern(h).search(text) for h in lexicon.hedges):
        return None
    kept = _longest_first(_found(text, phrases))
    if not kept or any(_negated(text, each, kept, lexicon.negations) for each in kept):
        return None
    values = {each.value for each in kept}
    return values.pop() if len(values) == 1 else None


def _found(text: str, phrases: Mapping[str, Iterable[Phrase]]) -> list[Found]:
    found = []
    for value, each in phrases.items():
        for phrase in each:
            if phrase.exact:
                continue
            found += [
                Found(value, m.start(), m.end()) for m in _pattern(phrase.text).finditer(text)
            ]
    return found


def _pattern(phrase: str) -> re.Pattern[str]:
    """Chinese phrases match inside words; English ones as whole words."""
    if is_cjk(phrase):
        return re.compile(re.escape(phrase))
    return re.compile(rf"(?<![a-z0-9']){re.escape(phrase)}(?![a-z0-9'])")


def _longest_first(found: list[Found]) -> list[Found]:
    """Keep the longest of overlapping matches ("没有不舒服" over "不舒服" and "有")."""
    kept: list[Found] = []
    for each in sorted(found, key=lambda f: (f.start - f.end, f.start)):
        if all(each.end <= k.start or each.start >= k.end for k in kept):
            kept.append(each)
    return kept


def _negated(text: str, found: Found, kept: list[Found], negations: tuple[str, ...]) -> bool:
    """Say whether a negation word stands just before the phrase, in the same clause and
    after any other phrase found ("没有不舒服,挺好的" negates nothing)."""
    start = max([k.end for k in kept if k.end <= found.start], default=0)
    before = text[start : found.start].rsplit(CLAUSE_BREAK, 1)[-1]
    if is_cjk(text[found.start : found.end]):
        window = before.replace(" ", "")[-NEGATION_WINDOW:]
        return any(word in window for word in negations if is_cjk(word))
    words = re.findall(r"[a-z']+", before)[-NEGATION_WINDOW:]
    return any(word in negations or word.endswith("n't") for word in words)
