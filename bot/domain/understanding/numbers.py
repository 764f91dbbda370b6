"""Numbers as people type them: "8", "８", "8分", "八分", "打9分", "十"; "第一个", "选2"."""

from __future__ import annotations

import re

from bot.domain.understanding.text import core

_CN_DIGITS = "零〇一二两三四五六七八九十百"
_SCORE_RE = re.compile(
    r"(?:(?:我|就|可以|应该|大概|给|打|能|打个|给个|评|评个|"
    r"i'd say|i give|i'd give|score|about)\s*)*"
    r"(\d{1,2})\s*(?:分|points?|pts|out of 10|/10)?"
)
_OPTION_RE = re.compile(
    r"(?:选|选择|选项|我选|就选|option|number|no\.?|#)?\s*第?\s*(\d{1,2})\s*(?:个|项|号|条)?"
)


def to_digits(text: str) -> str:
    """Return text with Chinese numerals written as digits ("打九分" -> "打9分")."""
    if not any(char in _CN_DIGITS for char in text):
        return text
    import cn2an  # a fifth of a second to import: the first reply with a numeral pays it

    try:
        return str(cn2an.transform(text, "cn2an"))
    except (ValueError, KeyError, IndexError):
        return text


def read_score(text: str, low: int, high: int) -> int | None:
    """Return the score a reply gives, when the reply is only that score and within range."""
    match = _SCORE_RE.fullmatch(core(to_digits(text)))
    if match is None:
        return None
    score = int(match.group(1))
    return score if low <= score <= high else None


def read_option_number(text: str, count: int) -> int | None:
    """Return the 0-based option a reply picks by its number ("2", "第二个", "选2")."""
    match = _OPTION_RE.fullmatch(core(to_digits(text)).replace(" ", ""))
    if match is None:
        return None
    number = int(match.group(1))
    return number - 1 if 1 <= number <= count else None
