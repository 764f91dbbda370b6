"""Read 出院带药 text into medication entries and problems (pure logic)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from bot.domain.medications.model import (
    BAD_DAYS,
    IRREGULAR,
    MAX_DAYS,
    NO_DRUG,
    NO_FREQUENCY,
    WEEK,
    Frequency,
    MedicationEntry,
    MedicationProblem,
)

DAYS_PER_UNIT = {
    "d": 1,
    "day": 1,
    "days": 1,
    "天": 1,
    "日": 1,
    "w": WEEK,
    "wk": WEEK,
    "wks": WEEK,
    "week": WEEK,
    "weeks": WEEK,
    "周": WEEK,
    "星期": WEEK,
    "个月": 30,
    "month": 30,
    "months": 30,
}
CHINESE_DIGITS = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}

_LATIN_FORMS = {
    Frequency.QD: ("q", "d"),
    Frequency.BID: ("b", "i", "d"),
    Frequency.TID: ("t", "i", "d"),
    Frequency.QID: ("q", "i", "d"),
    Frequency.QN: ("q", "n"),
    Frequency.Q8H: ("q", "8", "h"),
    Frequency.Q12H: ("q", "12", "h"),
    Frequency.QW: ("q", "w"),
    Frequency.QOD: ("q", "o", "d"),
    Frequency.PRN: ("p", "r", "n"),
}
_PER_DAY = r"(?<![\d隔])(?:每|一|1)\s*[日天]\s*"
_CHINESE_FORMS = {
    Frequency.QD: _PER_DAY + r"[一1]\s*次",
    Frequency.BID: _PER_DAY + r"[两二2]\s*次",
    Frequency.TID: _PER_DAY + r"[三3]\s*次",
    Frequency.QID: _PER_DAY + r"[四4]\s*次",
    Frequency.QN: r"每晚(?!\s*[两二三四2-9]\s*次)(?:\s*[一1]\s*次)?|睡前",
    Frequency.Q8H: r"每\s*隔?\s*(?:8|八)\s*个?\s*小时(?:\s*[一1]\s*次)?",
    Frequency.Q12H: r"每\s*隔?\s*(?:12|十二)\s*个?\s*小时(?:\s*[一1]\s*次)?",
    Frequency.QW: r"(?<![\d隔])(?:每|一|1)\s*(?:周|星期)\s*[一1]\s*次",
    Frequency.QOD: r"隔\s*[日天]\s*(?:[一1]\s*次|服用?)?"
    r"|每\s*(?:隔\s*[一1]|[两二2])\s*[日天]\s*[一1]\s*次|every\s+other\s+day|(?<![a-z])q2d(?![a-z])",
    Frequency.PRN: r"必要时|按需|需要时",
}


def _frequency_pattern() -> str:
    """Build one alternation with a named group per frequency."""
    groups = []
    for frequency, letters in _LATIN_FORMS.items():
        latin = r"(?<![a-z])" + r"\.?\s?".join(letters) + r"\.?(?![a-z])"
        groups.append(f"(?P<{frequency.value}>{latin}|{_CHINESE_FORMS[frequency]})")
    return "|".join(groups)


_FREQUENCY_RE = re.compile(_frequency_pattern(), re.IGNORECASE)
_DOSE_RE = re.compile(
    r"(?<![\d.a-z])(?:\d+(?:\.\d+)?(?:\s*[-~/]\s*\d+(?:\.\d+)?)?|半)\s*"
    r"(?:mcg|mg|ml|μg|ug|iu|units?|u|g|毫克|微克|克|毫升|单位|片|粒|丸|袋|支|滴|喷|揿|贴|包|瓶|枚|颗|吸)"
    r"(?![a-z])",
    re.IGNORECASE,
)
_COURSE_RE = re.compile(
    r"(?<![\d.a-z])(?:共\s*|[x×*]\s*)?(?P<n>\d+|[一二两三四五六七八九十]{1,3})\s*"
    r"(?P<unit>days?|d|weeks?|wks?|w|months?|天|日|周|星期|个月)"
    r"(?![a-z])(?!\s*(?:\d+|[一二两三四五六七八九十]+)\s*次)",
    re.IGNORECASE,
)
_COURSE_HINT_RE = re.compile(
    r"[\d一二两三四五六七八九十半几数多]\s*(?:天|日|周|星期|个?月|days?|d|weeks?|w|months?)"
    r"(?![a-z])|疗程",
    re.IGNORECASE,
)
_WEEKDAY = r"[一二三四五六日天1-7]"
# Regimens no fixed daily or weekly reminder can follow: tapering or raising the dose,
# on-and-off cycles, given weekdays, several times a week.
_IRREGULAR_RE = re.compile(
    r"(?:每\s*(?:\d+|[一二两三四五六七])?\s*(?:天|日|周|星期)\s*)?(?:递?减|减量|加量|递增|逐渐)"
    r"(?:\s*(?:至|为|到)?\s*\d+(?:\.\d+)?\s*(?:mg|g|ml|片|粒|毫克|克)?)?"
    r"|[服用吃]\s*\d+\s*[天日周]\s*停\s*\d+\s*[天日周]|停\s*\d+\s*[天日周]"
    rf"|(?:每\s*)?(?:周|星期){_WEEKDAY}(?:\s*[、,，/]?\s*{_WEEKDAY})+"
    r"|(?:每\s*)?(?:周|星期)\s*[两二三四五六2-6]\s*次|taper\w*|\bq[3-9]d\b",
    re.IGNORECASE,
)
# "每周一、三、五" is one entry: its separators are kept apart while the text is split.
_KEEP_SEPARATORS = str.maketrans({"、": "\ue000", ",": "\ue001", "，": "\ue002"})
_RESTORE_SEPARATORS = str.maketrans({"\ue000": "、", "\ue001": ",", "\ue002": "，"})
_WEEKDAY_LIST_RE = re.compile(rf"(?:周|星期){_WEEKDAY}(?:\s*[、,，]\s*{_WEEKDAY})+")
_MODIFIER_FILLER_RE = re.compile(r"服用|口服|使用|用药|服药|治疗|继续|take|use", re.IGNORECASE)
_LONG_TERM_RE = re.compile(
    r"长期|终身|终生|维持(?:治疗|量)?|long[- ]?term|lifelong|for\s+life|maintenance",
    re.IGNORECASE,
)
_SEPARATOR_RE = re.compile(r"[;；,，、\r\n]+")
_LIST_NUMBER_RE = re.compile(r"\(?\d{1,2}[).]?")
_NUMBERING_RE = re.compile(r"^\(?\d{1,2}[).]\s*")
_FILLER_RE = re.compile(r"^(?:口服\s*|po\s+)|\s*(?:每次|口服)$", re.IGNORECASE)
_LETTER_RE = re.compile(r"[^\W\d_]")
_SPACES_RE = re.compile(r"\s+")
_MASK = "\x00"
_MASKED_RE = re.compile(f"{_MASK}+")
_EDGE_CHARS = " \t:;,.-—_/\\|()[]{}<>'\"+=*"


def parse_medications(
    text: str | None,
) -> tuple[list[MedicationEntry], list[MedicationProblem]]:
    """Split 出院带药 text into readable entries and problems, in written order."""
    read: list[MedicationEntry | MedicationProblem] = []
    kept = _WEEKDAY_LIST_RE.sub(lambda m: m.group().translate(_KEEP_SEPARATORS), text or "")
    for raw in _SEPARATOR_RE.split(kept):
        piece = raw.strip().translate(_RESTORE_SEPARATORS)
        if not piece or _LIST_NUMBER_RE.fullmatch(normalise(piece)):
            continue
        if read and _only_a_modifier(piece):  # "…qd，长期" or "…qd，每周减5mg"
            read[-1] = _modified(read[-1], piece)
            continue
        read.append(_parse_entry(piece))
    entries = [item for item in read if isinstance(item, MedicationEntry)]
    problems = [item for item in read if isinstance(item, MedicationProblem)]
    return entries, problems


def _only_a_modifier(piece: str) -> bool:
    """Say whether a piece only qualifies the entry before it (no drug name of its own)."""
    text = normalise(piece)
    if not (_IRREGULAR_RE.search(text) or _LONG_TERM_RE.search(text)):
        return False
    patterns = (_IRREGULAR_RE, _LONG_TERM_RE, _DOSE_RE, _FREQUENCY_RE, _COURSE_RE)
    for pattern in (*patterns, _MODIFIER_FILLER_RE):
        text = _take(pattern, text)[1]
    return _drug_name(text) is None


def _modified(
    before: MedicationEntry | MedicationProblem, piece: str
) -> MedicationEntry | MedicationProblem:
    """Return the entry before a modifier piece, read together with it."""
    text = f"{before.text}，{piece}"
    if _IRREGULAR_RE.search(normalise(piece)):
        return MedicationProblem(text, IRREGULAR)
    if isinstance(before, MedicationProblem):
        return MedicationProblem(text, before.code)
    return replace(before, text=text, long_term=True)


def parse_frequency(text: str) -> Frequency | None:
    """Return the one frequency written in text, or None if there is none or several."""
    found = {Frequency(m.lastgroup or "") for m in _FREQUENCY_RE.finditer(normalise(text))}
    return found.pop() if len(found) == 1 else None


def normalise(text: str) -> str:
    """Return NFKC-normalised text (full-width letters, digits and punctuation to ASCII)."""
    return unicodedata.normalize("NFKC", text)


def _parse_entry(piece: str) -> MedicationEntry | MedicationProblem:
    """Read one entry, or say why it cannot be used."""
    if _IRREGULAR_RE.search(normalise(piece)):
        return MedicationProblem(piece, IRREGULAR)
    long_term, rest = _take(_LONG_TERM_RE, normalise(piece))
    doses, rest = _take(_DOSE_RE, rest)
    frequencies, rest = _take(_FREQUENCY_RE, rest)
    courses, rest = _take(_COURSE_RE, rest)
    drug = _drug_name(rest)
    found = {Frequency(m.lastgroup or "") for m in frequencies}
    days = _course_days(courses)
    if drug is None:
        return MedicationProblem(piece, NO_DRUG)
    if len(found) != 1:
        return MedicationProblem(piece, NO_FREQUENCY)
    if days == 0 or _COURSE_HINT_RE.search(rest):
        return MedicationProblem(piece, BAD_DAYS)
    dose = " ".join(_SPACES_RE.sub("", m.group()) for m in doses) or None
    return MedicationEntry(piece, drug, dose, found.pop(), days, bool(long_term))


def _take(pattern: re.Pattern[str], text: str) -> tuple[list[re.Match[str]], str]:
    """Return the matches of pattern and the text with each match masked out."""
    matches = list(pattern.finditer(text))
    for match in matches:
        start, end = match.span()
        text = text[:start] + _MASK * (end - start) + text[end:]
    return matches, text


def _drug_name(rest: str) -> str | None:
    """Return the first unmasked chunk that contains a letter, cleaned up."""
    for chunk in _MASKED_RE.split(rest):
        name = _clean_name(chunk)
        if _LETTER_RE.search(name):
            return name
    return None


def _clean_name(chunk: str) -> str:
    """Strip list numbering, route words and stray punctuation from a drug name."""
    name = _NUMBERING_RE.sub("", chunk.strip(_EDGE_CHARS))
    name = _FILLER_RE.sub("", name).strip(_EDGE_CHARS)
    return _SPACES_RE.sub(" ", name)


def _course_days(courses: list[re.Match[str]]) -> int | None:
    """Return the course length in days, None if unwritten, 0 if not understood."""
    values = {_match_days(m) for m in courses}
    if not values:
        return None
    if len(values) > 1:
        return 0
    return values.pop()


def _match_days(match: re.Match[str]) -> int:
    """Return the days of one course match, 0 if unusable."""
    number = _number(match.group("n"))
    days = number * DAYS_PER_UNIT[match.group("unit").lower()]
    return days if 0 < days <= MAX_DAYS else 0


def _number(text: str) -> int:
    """Read a decimal or simple Chinese number (1-99); 0 if it is not one."""
    if text.isdigit():
        return int(text)
    tens, ten, ones = text.partition("十")
    if not ten:
        return CHINESE_DIGITS.get(text, 0)
    high = CHINESE_DIGITS.get(tens, 0) if tens else 1
    low = CHINESE_DIGITS.get(ones, 0) if ones else 0
    if not high or (ones and not low):
        return 0
    return high * 10 + low
