"""The account's access_token, shared by every worker through the database.

A worker uses the stored token until 5 minutes before it expires, kept in memory meanwhile
(read from the database again only to renew it: when it is due, or WeChat rejected it because
another worker or `followup check` replaced it). Fetching is serialised in
the process by a lock; across processes the stored token is read again before fetching (none
is fetched when another worker stored a fresh one meanwhile), and the repository's
conditional update replaces only the token being renewed, or an older one, so that workers
that both fetched agree on one (WeChat keeps the older valid for a few minutes). The token
never reaches a log.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot.domain.clock import Clock
from bot.storage.channel_tokens import ChannelTokenRepository, StoredToken

REFRESH_BEFORE = timedelta(minutes=5)

Fetch = Callable[[], Awaitable[StoredToken]]


class SharedToken:
    def __init__(
        self, account: str, tokens: ChannelTokenRepository, fetch: Fetch, clock: Clock
    ) -> None:
        self._account, self._tokens, self._fetch, self._clock = account, tokens, fetch, clock
        self._lock = asyncio.Lock()
        self._known: StoredToken | None = None  # the last token read or stored

    def _usable(self, stored: StoredToken | None) -> bool:
        return stored is not None and self._clock.now() < stored.expires_at - REFRESH_BEFORE

    async def get(self) -> str:
        """Return a token to call with: the known one while fresh, else the stored one while
        fresh, else a new one."""
        if self._known is not None and self._usable(self._known):
            return self._known.token
        stored = await self._tokens.current(self._account)
        if stored is not None and self._usable(stored):
            self._known = stored
            return stored.token
        return await self._renew(rejected=None)

    async def renew(self, rejected: str) -> str:
        """Return a token other than one WeChat refused, fetching one unless a worker did."""
        return await self._renew(rejected=rejected)

    async def adopt(self, fetched: StoredToken) -> None:
        """Store a token fetched outside get() (a check of the credentials)."""
        async with self._lock:
            stored = await self._tokens.current(self._account)
            replacing = stored.token if stored is not None else None
            self._known = await self._tokens.store_fetched(self._account, fetched, replacing)

    async def _renew(self, rejected: str | None) -> str:
        async with self._lock:
            stored = await self._tokens.current(self._account)  # another may have fetched
            if stored is not None and self._usable(stored) and stored.token != rejected:
                self._known = stored
                return stored.token
            replacing = stored.token if stored is not None else None
            kept = await self._tokens.store_fetched(self._account, await self._fetch(), replacing)
            self._known = kept
            return kept.token
