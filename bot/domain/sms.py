"""SMS in neutral terms: how providers count a text's parts, the template code per notice
kind, a Chinese mobile number's normal form, and what became of a text message."""

from __future__ import annotations

import re
from enum import StrEnum

from bot.domain.conversation_window import NoticeKind

ONE_PART = 70  # characters in a text of one part (Aliyun and Tencent count alike)
PART = 67  # characters in each part of a longer text (the rest is the part's header)
MOBILE = re.compile(r"^1[3-9]\d{9}$")  # a mainland mobile number, 11 digits
COUNTRY_PREFIXES = ("+86", "0086", "86")


class SmsProviderName(StrEnum):
    """The SMS providers the bot speaks to."""

    ALIYUN = "aliyun"
    TENCENT = "tencent"
    GENERIC = "generic"


class SmsStatus(StrEnum):
    """What became of a text message: accepted by the provider, then its receipt."""

    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"


def sms_parts(text: str) -> int:
    """Return how many parts the providers bill a text as (70 in one, else 67 each)."""
    length = len(text)
    if length <= ONE_PART:
        return 1
    return -(-length // PART)


def normalize_phone(raw: str) -> str | None:
    """Return a mainland mobile number as its 11 digits, or None when it is not one."""
    digits = re.sub(r"[\s\-()]", "", raw.strip())
    for prefix in COUNTRY_PREFIXES:
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
            break
    return digits if MOBILE.match(digits) else None


def parse_sms_templates(value: str) -> dict[NoticeKind, str]:
    """Parse "kind=CODE,..." into the provider's template code per notice kind (all kinds)."""
    known = {kind.value: kind for kind in NoticeKind}
    codes: dict[NoticeKind, str] = {}
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        name, sep, code = (piece.strip() for piece in item.partition("="))
        if not sep or not code:
            raise ValueError(f"{item!r} is not kind=TEMPLATE_CODE, e.g. check_in=SMS_123")
        if name not in known:
            raise ValueError(f"unknown kind {name!r}; the kinds are {', '.join(known)}")
        if known[name] in codes:
            raise ValueError(f"kind {name!r} is given twice")
        codes[known[name]] = code
    missing = [kind.value for kind in NoticeKind if kind not in codes]
    if missing:
        raise ValueError(f"no template code for {', '.join(missing)}; every kind needs one")
    return codes
