"""When a patient says we may call back: "明天下午三点", "周五上午", "晚上", "下周一",
"11月30日", "tomorrow 3pm", "两个小时后" — read against now in the hospital's zone.

The whole reply must be a time: words left over ("明天我要去复查") mean "not understood"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.understanding.numbers import to_digits
from bot.domain.understanding.text import core

WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "末": 5}
EN_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
RELATIVE_DAYS = {
    "大后天": 3, "后天": 2, "明天": 1, "明儿": 1, "明日": 1, "今天": 0, "今儿": 0, "今日": 0,
    "day after tomorrow": 2, "tomorrow": 1, "today": 0,
}  # fmt: skip
PARTS = {  # part of the day: its default time, and whether an hour 1-11 in it is p.m.
    "凌晨": (time(6, 0), False), "早上": (time(9, 30), False), "早晨": (time(9, 30), False),
    "上午": (time(9, 30), False), "中午": (time(12, 0), True), "下午": (time(15, 0), True),
    "傍晚": (time(18, 0), True), "晚上": (time(19, 0), True), "今晚": (time(19, 0), True),
    "明早": (time(9, 30), False), "明晚": (time(19, 0), True), "晚些": (time(19, 0), True),
    "morning": (time(9, 30), False), "noon": (time(12, 0), True),
    "afternoon": (time(15, 0), True), "evening": (time(19, 0), True),
    "tonight": (time(19, 0), True),
}  # fmt: skip
PART_DAYS = {"今晚": 0, "明早": 1, "明晚": 1, "tonight": 0}
LATEST_PLAIN_PM_HOUR = 7  # "3点" alone means 15:00: nobody is called back at 3 at night
FILLERS = re.compile(
    r"请|再|吧|的时候|左右|前后|以后|之后|都行|都可以|可以|方便|有空|打电话|电话|打给我|打来|大概|大约|"
    r"联系我|联系|给我|来|我|找我|那个|等|在|的|我们|就|呢|点钟后|"
    r"\b(?:call|me|please|at|on|in|the|any ?time|is|fine|ok|around|after|would be|good|better)\b"
)
_MONTH_DAY = re.compile(r"(\d{1,2})\s*(?:月|/|-|\.)\s*(\d{1,2})\s*(?:日|号)?")
_DAY_ONLY = re.compile(r"(\d{1,2})\s*(?:日|号)")
_WEEKDAY = re.compile(r"(下下|下个?|这个?|本)?\s*(?:周|星期|礼拜)\s*([一二三四五六日天末1-7])")
_EN_WEEKDAY = re.compile(rf"(next |this )?({'|'.join(EN_WEEKDAYS)})")
_CLOCK = re.compile(
    r"(\d{1,2})\s*(?:(点钟|:|点|時)\s*(半|一刻|三刻|\d{1,2})?\s*分?)?"
    r"\s*(am|pm|a\.m\.|p\.m\.|o'clock)?"
)
_IN_HOURS = re.compile(
    r"(?:in\s*)?(\d{1,2}|半)\s*(?:个)?\s*(?:小时|hours?|hrs?)\s*(?:后|以后|之后|later)?"
)


@dataclass
class _Parts:
    day: date | None = None
    part: str | None = None
    clock: tuple[int, int, str | None] | None = None


def read_moment(text: str, now: datetime, zone: ZoneInfo) -> datetime | None:
    """Return the aware local time a reply names, or None when it is not only a time."""
    local = now.astimezone(zone)
    rest = to_digits(core(text))
    if (hours := _IN_HOURS.fullmatch(FILLERS.sub("", rest).strip())) is not None:
        amount = 0.5 if hours.group(1) == "半" else float(hours.group(1))
        return local + timedelta(hours=amount) if 0 < amount <= 48 else None
    parts = _Parts()
    rest = _take_day(rest, local.date(), parts)
    rest = _take_part(rest, parts)
    rest = _take_clock(rest, parts)
    if FILLERS.sub("", rest).replace(" ", "").strip("|") or parts == _Parts():
        return None
    return _moment(parts, local, zone)


def read_day(text: str, today: date) -> date | None:
    """Return the day a reply names ("11月30号上午", "30号", "下周一", "next friday"), or None
    when it is not only a day (a time of day beside it is allowed)."""
    parts = _Parts()
    rest = _take_clock(_take_part(_take_day(to_digits(core(text)), today, parts), parts), parts)
    if FILLERS.sub("", rest).replace(" ", "").strip("|"):
        return None
    return parts.day


def _take_day(text: str, today: date, parts: _Parts) -> str:
    for word, days in RELATIVE_DAYS.items():
        if word in text:
            parts.day = today + timedelta(days=days)
            return text.replace(word, " ", 1)
    if match := _MONTH_DAY.search(text):
        parts.day = _month_day(int(match.group(1)), int(match.group(2)), today)
    elif match := _WEEKDAY.search(text):
        parts.day = _weekday(match.group(1) or "", match.group(2), today)
    elif match := _EN_WEEKDAY.search(text):
        weekday = EN_WEEKDAYS.index(match.group(2))
        parts.day = _weekday("下" if match.group(1) == "next " else "", str(weekday + 1), today)
    elif match := _DAY_ONLY.search(text):
        parts.day = _month_day(today.month, int(match.group(1)), today)
    else:
        return text
    if parts.day is None:
        return "?"  # a date that does not exist: not understood
    return text[: match.start()] + " " + text[match.end() :]


def _take_part(text: str, parts: _Parts) -> str:
    for word in PARTS:
        if word in text:
            parts.part = word
            return text.replace(word, " ", 1)
    return text


def _take_clock(text: str, parts: _Parts) -> str:
    match = next((m for m in _CLOCK.finditer(text) if m.group(2) or m.group(4)), None)
    if match is None:
        return text
    minute = {"半": 30, "一刻": 15, "三刻": 45, None: 0}.get(match.group(3))
    if minute is None:
        minute = int(match.group(3))
    parts.clock = (int(match.group(1)), minute, match.group(4))
    return text[: match.start()] + " " + text[match.end() :]


def _moment(parts: _Parts, local: datetime, zone: ZoneInfo) -> datetime | None:
    day = parts.day
    if day is None and parts.part in PART_DAYS:
        day = local.date() + timedelta(days=PART_DAYS[parts.part])
    at = PARTS[parts.part][0] if parts.part else time(9, 30)
    if parts.clock is not None:
        clock = _clock(parts.clock, parts.part)
        if clock is None:
            return None
        at = clock
    moment = datetime.combine(day or local.date(), at, tzinfo=zone)
    if moment <= local and day is None:
        moment += timedelta(days=1)  # "晚上" said late at night: tomorrow evening
    return moment if moment > local else None


def _clock(clock: tuple[int, int, str | None], part: str | None) -> time | None:
    hour, minute, suffix = clock
    afternoon = PARTS[part][1] if part else None
    if suffix in ("pm", "p.m.") or (afternoon and hour < 12):
        hour += 12 if hour < 12 else 0
    elif afternoon is None and suffix not in ("am", "a.m.") and 1 <= hour <= LATEST_PLAIN_PM_HOUR:
        hour += 12
    if part == "中午" and hour >= 15:
        hour -= 12  # "中午12点" stays noon, "中午1点" is 13:00
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return time(hour, minute)


def _month_day(month: int, day: int, today: date) -> date | None:
    """Return the next such date from today (this year, else next year)."""
    for year in (today.year, today.year + 1):
        try:
            found = date(year, month, day)
        except ValueError:
            return None
        if found >= today:
            return found
    return None


def _weekday(prefix: str, name: str, today: date) -> date:
    """Return the weekday named: this week's (or the next one ahead), or next week's."""
    weekday = int(name) - 1 if name.isdigit() else WEEKDAYS[name]
    if prefix.startswith("下"):
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=prefix.count("下"))
        return monday + timedelta(days=weekday)
    return today + timedelta(days=(weekday - today.weekday()) % 7)
