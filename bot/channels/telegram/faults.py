"""What a Bot API error means, in the send path's neutral terms (a SendFault)."""

from __future__ import annotations

import warnings
from datetime import timedelta

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.domain.channel_messages import FaultKind, SendFault

UNREACHABLE_PHRASES = ("chat not found", "user is deactivated", "bot was blocked", "have no rights")


def fault_of(error: TelegramError) -> SendFault:
    """Translate a Bot API error: wait as asked, retry the network, stop a gone chat."""
    if isinstance(error, RetryAfter):
        with warnings.catch_warnings():  # PTB 22 warns that the type becomes timedelta
            warnings.simplefilter("ignore")
            wait = error.retry_after
        seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
        return SendFault(FaultKind.RETRY, "rate_limited", retry_after=seconds, throttled=True)
    if isinstance(error, Forbidden):
        return SendFault(FaultKind.UNREACHABLE, "blocked")
    if isinstance(error, BadRequest):
        text = error.message.lower()
        if any(phrase in text for phrase in UNREACHABLE_PHRASES):
            return SendFault(FaultKind.UNREACHABLE, "chat_not_found")
        return SendFault(FaultKind.FAILED, "bad_request: " + error.message[:150])
    if isinstance(error, NetworkError):
        return SendFault(FaultKind.RETRY, "network", detail=error.message[:150])
    return SendFault(FaultKind.FAILED, f"{type(error).__name__}: {error.message[:150]}")
