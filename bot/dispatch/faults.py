"""What a Bot API error means for an outbox row: retry, give up, or stop the chat."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

BACKOFF = (
    timedelta(seconds=15),
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
)
UNREACHABLE_PHRASES = ("chat not found", "user is deactivated", "bot was blocked", "have no rights")


class Verdict(StrEnum):
    RETRY = "retry"
    UNREACHABLE = "unreachable"
    FAILED = "failed"


@dataclass(frozen=True)
class FaultOutcome:
    verdict: Verdict
    reason: str
    delay: timedelta = timedelta(0)


def classify(error: TelegramError, attempts: int) -> FaultOutcome:
    """Decide what to do after the attempts-th failed delivery of a row."""
    if isinstance(error, RetryAfter):
        with warnings.catch_warnings():  # PTB 22 warns that the type becomes timedelta
            warnings.simplefilter("ignore")
            wait = error.retry_after
        delay = wait if isinstance(wait, timedelta) else timedelta(seconds=float(wait))
        return FaultOutcome(Verdict.RETRY, "rate_limited", delay)
    if isinstance(error, Forbidden):
        return FaultOutcome(Verdict.UNREACHABLE, "blocked")
    if isinstance(error, BadRequest):
        text = error.message.lower()
        if any(phrase in text for phrase in UNREACHABLE_PHRASES):
            return FaultOutcome(Verdict.UNREACHABLE, "chat_not_found")
        return FaultOutcome(Verdict.FAILED, "bad_request: " + error.message[:150])
    if isinstance(error, NetworkError) and attempts <= len(BACKOFF):
        return FaultOutcome(Verdict.RETRY, "network", BACKOFF[attempts - 1])
    if isinstance(error, NetworkError):
        return FaultOutcome(Verdict.FAILED, "network: " + error.message[:150])
    return FaultOutcome(Verdict.FAILED, f"{type(error).__name__}: {error.message[:150]}")
