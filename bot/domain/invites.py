"""Invite tokens and the identity check: random, single-use, expiring, stored as a hash."""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

TOKEN_BYTES = 24  # 192 bits, 32 URL-safe characters: inside Telegram's 64-character payload
PAYLOAD_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class IdentityQuestion(StrEnum):
    PHONE_LAST4 = "phone_last4"
    BIRTH_YEAR = "birth_year"


class InviteProblem(StrEnum):
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    LOCKED = "locked"


@dataclass(frozen=True)
class InviteState:
    used_at: datetime | None
    expires_at: datetime
    locked_at: datetime | None


def new_token() -> str:
    """Return a fresh random invite token."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """Return the hash stored in place of the token."""
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def looks_like_token(payload: str) -> bool:
    """Say whether a /start payload has the shape of an invite token."""
    return bool(PAYLOAD_PATTERN.match(payload))


def invite_problem(state: InviteState | None, now: datetime) -> InviteProblem | None:
    """Return why an invite cannot be used now, or None when it can."""
    if state is None:
        return InviteProblem.UNKNOWN
    if state.locked_at is not None:
        return InviteProblem.LOCKED
    if state.used_at is not None:
        return InviteProblem.USED
    if now >= state.expires_at:
        return InviteProblem.EXPIRED
    return None


def identity_question(phone: str | None, birth_date: date | None) -> IdentityQuestion | None:
    """Choose the identity question from what is on file (phone first, then birth year)."""
    if phone and len(_digits(phone)) >= 4:
        return IdentityQuestion.PHONE_LAST4
    if birth_date is not None:
        return IdentityQuestion.BIRTH_YEAR
    return None


def identity_matches(
    question: IdentityQuestion, answer: str, phone: str | None, birth_date: date | None
) -> bool:
    """Check an identity answer against what is on file, in constant time."""
    given = _digits(answer)
    if question is IdentityQuestion.PHONE_LAST4:
        expected = _digits(phone or "")[-4:]
    else:
        expected = str(birth_date.year) if birth_date else ""
    return bool(expected) and secrets.compare_digest(given, expected)


def _digits(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if ch.isdigit())
