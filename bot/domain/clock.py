"""The one clock: real time in production, a fake one in tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """Return the current time, timezone-aware (UTC)."""
        ...


class SystemClock:
    def now(self) -> datetime:
        """Return the real current time in UTC."""
        return datetime.now(UTC)


class FakeClock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs a timezone-aware start time")
        self._now = start

    def now(self) -> datetime:
        """Return the fake current time."""
        return self._now

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward by delta."""
        self._now += delta
