"""What every page answer carries and what guards the links: security headers, and a
sliding window of bad links per client address against guessing."""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta

BAD_LINKS_ALLOWED = 20
BAD_LINKS_WINDOW = timedelta(minutes=10)
TRACKED_CLIENTS = 10_000  # beyond this, the oldest client's count is forgotten


def security_headers(style_source: str) -> dict[str, str]:
    """Return the headers on every answer: no scripts, frames, referrers, caching."""
    policy = (
        f"default-src 'none'; style-src {style_source}; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    )
    return {
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",  # a capability URL must not leak to other sites
        "Cache-Control": "no-store",
        "X-Frame-Options": "DENY",
    }


class GuessLimiter:
    """Counts bad links per client address over a sliding window, in this process."""

    def __init__(
        self, allowed: int = BAD_LINKS_ALLOWED, window: timedelta = BAD_LINKS_WINDOW
    ) -> None:
        self.allowed, self.window = allowed, window
        self._seen: dict[str, deque[datetime]] = {}

    def blocked(self, client: str, now: datetime) -> bool:
        """Say whether a client has tried too many bad links lately."""
        times = self._seen.get(client)
        if times is None:
            return False
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._seen[client]
            return False
        return len(times) >= self.allowed

    def count(self, client: str, now: datetime) -> None:
        """Count one bad link from a client."""
        if client not in self._seen and len(self._seen) >= TRACKED_CLIENTS:
            del self._seen[next(iter(self._seen))]
        self._seen.setdefault(client, deque()).append(now)
