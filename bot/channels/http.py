"""Calls to a platform's HTTP API (WeChat's, the SMS providers') over one aiohttp session.

The session keeps its connections alive and opens on the first call (inside the running
loop). httpx's connection pool, used before, scanned every open connection on each request
and answer: with the dispatcher's 32 requests in flight that was about a third of a WeChat
message's CPU (the Bot API's calls left httpx for the same reason, bot.channels.telegram.
http_request). Proxies come from the environment as httpx read them (bot.channels.proxies).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.channels.proxies import EnvironmentProxies

if TYPE_CHECKING:  # aiohttp is imported when the first call is made
    import aiohttp

CONNECT_TIMEOUT = 5.0  # seconds to get a connection (a free one of the pool, or a new one)


@dataclass(frozen=True)
class Reply:
    """A platform's answer to one call: its status, headers and body."""

    status_code: int
    headers: Mapping[str, str]  # case-insensitive
    content: bytes

    @property
    def content_type(self) -> str:
        """Return the Content-Type header ("" when there is none)."""
        return self.headers.get("content-type", "")

    @property
    def is_success(self) -> bool:
        """Say whether the status is 2xx."""
        return 200 <= self.status_code < 300

    @property
    def text(self) -> str:
        """Return the body as text (UTF-8, undecodable bytes replaced)."""
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """Return the body parsed as JSON; raise ValueError when it is not."""
        return json.loads(self.content)


class NoAnswer(Exception):
    """A call got no answer: it timed out, or the connection failed (`error` names which)."""

    def __init__(self, timed_out: bool, error: str) -> None:
        super().__init__(error)
        self.timed_out, self.error = timed_out, error


class ApiSession:
    """One aiohttp session for a platform's calls; `close()` when done."""

    def __init__(self, read_timeout: float, connect_timeout: float = CONNECT_TIMEOUT) -> None:
        self._read_timeout, self._connect_timeout = read_timeout, connect_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies = EnvironmentProxies()

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        data: bytes | Mapping[str, str] | aiohttp.FormData | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        """Make one call and read its answer; raise NoAnswer when none came."""
        import aiohttp

        try:
            async with self._opened().request(
                method,
                url,
                params=params,
                data=data,
                headers=headers,
                proxy=self._proxies.for_url(url),
            ) as response:
                return Reply(response.status, response.headers, await response.read())
        except TimeoutError as error:
            raise NoAnswer(True, type(error).__name__) from None
        except aiohttp.ClientError as error:
            raise NoAnswer(False, type(error).__name__) from None

    async def close(self) -> None:
        """Close the connections."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _opened(self) -> aiohttp.ClientSession:
        import aiohttp

        if self._session is None:
            timeout = aiohttp.ClientTimeout(
                total=None, connect=self._connect_timeout, sock_read=self._read_timeout
            )
            self._session = aiohttp.ClientSession(timeout=timeout, trust_env=False)
        return self._session
