"""Typed text made comparable: full-width forms folded, emoji and punctuation turned into breaks."""

from __future__ import annotations

import re
import unicodedata

CLAUSE_BREAK = "|"
PARTICLES = "嗯哦噢喔额呃啊呀吧呢哈嘛啦哟么咯唉哎"
_SPACES = re.compile(r"\s+")
_BREAKS = re.compile(r"\s*\|[\s|]*")
_KEPT_SYMBOLS = ":/-."  # inside times and dates ("15:30", "11/30")


def normalize(raw: str) -> str:
    """Return text folded to half-width lower case, clauses split by "|", emoji removed."""
    text = unicodedata.normalize("NFKC", raw).lower().replace("’", "'")
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if char in _KEPT_SYMBOLS or char == "'":
            kept.append(char)
        elif category.startswith("P") or category.startswith("S"):
            kept.append(CLAUSE_BREAK)
        elif category.startswith("C") and char not in "\n\t":
            continue  # control characters and emoji joiners
        else:
            kept.append(char)
    joined = _BREAKS.sub(CLAUSE_BREAK, _SPACES.sub(" ", "".join(kept).replace("\n", CLAUSE_BREAK)))
    return joined.strip(" |.")


def is_cjk(text: str) -> bool:
    """Say whether a phrase is written in Chinese characters (matched inside words)."""
    return any("\u4e00" <= char <= "\u9fff" for char in text)


def core(text: str) -> str:
    """Return text without breaks, spaces and leading or trailing particles ("嗯好的啊")."""
    squeezed = text.replace(CLAUSE_BREAK, "").replace(" ", "") if is_cjk(text) else text
    stripped = squeezed.strip(PARTICLES + " |.") or squeezed.strip(" |.")
    return stripped.replace("|", " ").strip()
