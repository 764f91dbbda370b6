"""What a channel's refusal means for an outbox row: retry, give up, or stop the contact."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from bot.domain.channel_messages import FaultKind, SendFault

BACKOFF = (
    timedelta(seconds=15),
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
)


class Verdict(StrEnum):
    RETRY = "retry"
    UNREACHABLE = "unreachable"
    FAILED = "failed"


@dataclass(frozen=True)
class FaultOutcome:
    verdict: Verdict
    reason: str
    delay: timedelta = timedelta(0)


def classify(fault: SendFault, attempts: int) -> FaultOutcome:
    """Decide what to do after the attempts-th refused delivery of a row."""
    if fault.kind is FaultKind.UNREACHABLE:
        return FaultOutcome(Verdict.UNREACHABLE, fault.reason)
    if fault.kind is FaultKind.FAILED:
        return FaultOutcome(Verdict.FAILED, fault.reason)
    if fault.retry_after is not None:  # the channel said how long to wait
        return FaultOutcome(Verdict.RETRY, fault.reason, timedelta(seconds=fault.retry_after))
    if attempts <= len(BACKOFF):
        return FaultOutcome(Verdict.RETRY, fault.reason, BACKOFF[attempts - 1])
    return FaultOutcome(Verdict.FAILED, f"{fault.reason}: {fault.detail}")
