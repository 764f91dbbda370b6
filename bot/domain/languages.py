"""Which language a person is written to in: the one rule, and the words lists use for it."""

from __future__ import annotations

import re
import unicodedata

LOCALES = ("zh_CN", "en")  # every locale has a complete messages/<locale>/ folder
DEFAULT_LOCALE = "zh_CN"

# What a discharge list (an HIS export, or a nurse typing) may write for a supported language,
# compared after language_key(): NFKC, case-folded, without spaces, "-", "_" and dots.
LANGUAGE_WORDS: dict[str, str] = {
    **dict.fromkeys(
        ("zh_CN", "zh", "zh-Hans", "zh-Hans-CN", "zh_SG", "chs", "cn", "chinese", "mandarin"),
        "zh_CN",
    ),
    **dict.fromkeys(
        ("中文", "汉语", "漢語", "简体中文", "简体", "中", "普通话", "国语", "华语"), "zh_CN"
    ),
    **dict.fromkeys(("en", "en-US", "en-GB", "en-AU", "en-CA", "eng", "english"), "en"),
    **dict.fromkeys(("英文", "英语", "英", "英語"), "en"),
}
_NOISE_RE = re.compile(r"[\s_\-.]+")


def language_key(text: str) -> str:
    """Normalise a written language for lookup: NFKC, case-folded, no separators."""
    return _NOISE_RE.sub("", unicodedata.normalize("NFKC", text).casefold())


_WORD_INDEX = {language_key(word): locale for word, locale in LANGUAGE_WORDS.items()}


def listed_language(text: str) -> str | None:
    """Return the supported locale a list's cell names, or None when it names none we have."""
    return _WORD_INDEX.get(language_key(text))


def suggested_language(language_code: str | None, default: str) -> str:
    """Turn Telegram's language_code into a locale: en* -> en, zh* -> zh_CN, else the default."""
    code = (language_code or "").casefold()
    if code.startswith("en"):
        return "en"
    if code.startswith("zh"):
        return "zh_CN"
    return default


def enrolment_language(
    listed: str | None, chosen: str | None, language_code: str | None, default: str
) -> str:
    """Choose an enrolling person's language: the list's, else one the chat chose before,
    else what their app suggests, else the hospital's."""
    for locale in (listed, chosen):
        if locale in LOCALES:
            return locale
    return suggested_language(language_code, default)


def effective_locale(stored: str | None, default: str) -> str:
    """Return the locale to write in: the stored one when we support it, else the default."""
    return stored if stored in LOCALES else default
