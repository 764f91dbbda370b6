"""WeChat's callback signatures: sha1 over the sorted token, timestamp, nonce (and Encrypt)."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from bot.domain.clock import Clock

MAX_SKEW = timedelta(minutes=5)


def signature(*parts: str) -> str:
    """Return the hex sha1 of the parts sorted and joined, as WeChat computes it."""
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def _fresh(timestamp: str, now: datetime) -> bool:
    if not timestamp.isdigit():
        return False
    sent = datetime.fromtimestamp(int(timestamp), now.tzinfo)
    return abs(now - sent) <= MAX_SKEW


def verify(token: str, timestamp: str, nonce: str, given: str, clock: Clock) -> bool:
    """Say whether a callback's `signature` is WeChat's and its timestamp recent."""
    expected = signature(token, timestamp, nonce)
    return hmac.compare_digest(expected, given.lower()) and _fresh(timestamp, clock.now())


def verify_message(
    token: str, timestamp: str, nonce: str, encrypted: str, given: str, clock: Clock
) -> bool:
    """Say whether a safe-mode callback's `msg_signature` (over its Encrypt field) is valid."""
    expected = signature(token, timestamp, nonce, encrypted)
    return hmac.compare_digest(expected, given.lower()) and _fresh(timestamp, clock.now())
