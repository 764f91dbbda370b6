"""Convert a discharge list's cells: text, yes/no, sex, age, phone, language, way of follow-up."""

from __future__ import annotations

import re
import unicodedata

from bot.domain.discharge.model import (
    BAD_AGE,
    BAD_CONSENT,
    BAD_LANGUAGE,
    BAD_PHONE,
    BAD_PREFERRED_CHANNEL,
    BAD_SEX,
    TOO_LONG,
)
from bot.domain.languages import LOCALES, listed_language
from bot.domain.reach import PreferredChannel, allowed_words, listed_preferred_channel

MAX_CELL_LENGTH = 2000
AGE_MIN, AGE_MAX = 0, 150
PHONE_MIN_DIGITS, PHONE_MAX_DIGITS = 7, 15

CONSENT_WORDS = {
    "是": True,
    "同意": True,
    "yes": True,
    "y": True,
    "1": True,
    "true": True,
    "否": False,
    "不同意": False,
    "no": False,
    "n": False,
    "0": False,
    "false": False,
}
SEX_WORDS = {"男": "M", "m": "M", "male": "M", "女": "F", "f": "F", "female": "F"}

_AGE_YEARS_RE = re.compile(r"(?P<n>[0-9]{1,3})(?:\.0+)?\s*(?:岁(?:\s*[0-9]{1,2}\s*个?月)?)?")
_AGE_MONTHS_RE = re.compile(r"(?P<n>[0-9]{1,4})\s*个?月(?:\s*[0-9]{1,2}\s*[天日])?")
_AGE_INFANT_RE = re.compile(r"[0-9]{1,3}\s*(?:天|日|周|小时)")
_PHONE_NOISE_RE = re.compile(r"[\s\-()]+")
_PHONE_RE = re.compile(rf"\+?[0-9]{{{PHONE_MIN_DIGITS},{PHONE_MAX_DIGITS}}}")


class Invalid(Exception):
    """A cell value that cannot be used; carries the row error code."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def clean(raw: object) -> str:
    """Return the cell as NFKC-normalised, stripped text; refuse over-long cells."""
    if type(raw) is str:
        text = raw.strip() if raw.isascii() else unicodedata.normalize("NFKC", raw).strip()
    elif raw is None:
        return ""
    elif isinstance(raw, float) and raw.is_integer():
        text = str(int(raw))
    else:
        text = unicodedata.normalize("NFKC", str(raw)).strip()
    if len(text) > MAX_CELL_LENGTH:
        raise Invalid(TOO_LONG, limit=MAX_CELL_LENGTH, length=len(text))
    return text


def as_text(raw: object) -> str | None:
    """Convert a free-text cell; empty is None."""
    return clean(raw) or None


def as_consent(raw: object) -> bool | None:
    """Convert a yes/no consent cell."""
    text = clean(raw).lower()
    if not text:
        return None
    if text not in CONSENT_WORDS:
        raise Invalid(BAD_CONSENT)
    return CONSENT_WORDS[text]


def as_sex(raw: object) -> str | None:
    """Convert a sex cell to "M" or "F"."""
    text = clean(raw).lower()
    if not text:
        return None
    if text not in SEX_WORDS:
        raise Invalid(BAD_SEX)
    return SEX_WORDS[text]


def as_language(raw: object) -> str | None:
    """Convert a language cell ("中文", "English", "en-US" ...) to a supported locale."""
    text = clean(raw)
    if not text:
        return None
    locale = listed_language(text)
    if locale is None:
        raise Invalid(BAD_LANGUAGE, supported=", ".join(LOCALES))
    return locale


def as_preferred_channel(raw: object) -> PreferredChannel | None:
    """Convert a way-of-follow-up cell ("微信", "短信", "电话", "SMS" ...) to its channel."""
    text = clean(raw)
    if not text:
        return None
    channel = listed_preferred_channel(text)
    if channel is None:
        raise Invalid(BAD_PREFERRED_CHANNEL, allowed=allowed_words())
    return channel


def as_age(raw: object) -> int | None:
    """Convert an age cell ("45", "45岁", "8个月", "3天") to whole years."""
    text = clean(raw)
    if not text:
        return None
    if match := _AGE_YEARS_RE.fullmatch(text):
        years = int(match["n"])
    elif match := _AGE_MONTHS_RE.fullmatch(text):
        years = int(match["n"]) // 12
    elif _AGE_INFANT_RE.fullmatch(text):
        years = 0
    else:
        raise Invalid(BAD_AGE, min=AGE_MIN, max=AGE_MAX)
    if not AGE_MIN <= years <= AGE_MAX:
        raise Invalid(BAD_AGE, min=AGE_MIN, max=AGE_MAX)
    return years


def as_phone(raw: object) -> str | None:
    """Convert a phone cell to digits, keeping a leading +."""
    text = _PHONE_NOISE_RE.sub("", clean(raw))
    if not text:
        return None
    if not _PHONE_RE.fullmatch(text):
        raise Invalid(BAD_PHONE, min_digits=PHONE_MIN_DIGITS, max_digits=PHONE_MAX_DIGITS)
    return text
