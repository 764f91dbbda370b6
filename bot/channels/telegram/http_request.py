"""python-telegram-bot's network calls through aiohttp instead of its default httpx.

httpx's connection pool scans every open connection (and polls each one's socket) on every
request and every answer: with the dispatcher's 32 requests in flight this cost about 3 ms of
CPU per message, five times the rest of the send. aiohttp keeps idle connections in a queue
per host and parses HTTP in C. The requests are the same: the same form-encoded parameters
(multipart when a file goes with them), the same User-Agent, PTB's errors for timeouts and
network faults, proxies from HTTPS_PROXY/HTTP_PROXY/ALL_PROXY as httpx reads them.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.channels.proxies import EnvironmentProxies

if TYPE_CHECKING:  # aiohttp is imported when the first request is made ready (start-up)
    import aiohttp

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class AiohttpRequest(BaseRequest):
    """A BaseRequest on one aiohttp session: at most `connection_pool_size` connections."""

    def __init__(
        self,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read, self._connect, self._pool = read_timeout, connect_timeout, pool_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies = EnvironmentProxies()

    @property
    def read_timeout(self) -> float | None:
        """The read timeout used when a call gives none."""
        return self._read

    async def initialize(self) -> None:
        """Open the session (again, after a shutdown)."""
        import aiohttp

        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size)
            # The proxy is read from the environment once per host, not in a thread per request.
            self._session = aiohttp.ClientSession(connector=connector, trust_env=False)

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Make one request; return the status code and the body."""
        import aiohttp

        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        timeout = self._timeout(read_timeout, connect_timeout, pool_timeout)
        headers = {"User-Agent": self.USER_AGENT}
        data: bytes | aiohttp.FormData | None = None
        if request_data is not None:
            data = body_of(request_data)
            if isinstance(data, bytes):
                headers.update(FORM)
        try:
            async with self._session.request(
                method,
                url,
                data=data,
                headers=headers,
                timeout=timeout,
                proxy=self._proxies.for_url(url),
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{error.__class__.__name__}: {error}") from error

    def _timeout(
        self,
        read: ODVInput[float],
        connect: ODVInput[float],
        pool: ODVInput[float],
    ) -> aiohttp.ClientTimeout:
        return client_timeout(
            self._read if isinstance(read, DefaultValue) else read,
            self._connect if isinstance(connect, DefaultValue) else connect,
            self._pool if isinstance(pool, DefaultValue) else pool,
        )


@functools.lru_cache(maxsize=64)
def client_timeout(
    read: float | None, connect: float | None, pool: float | None
) -> aiohttp.ClientTimeout:
    """Return aiohttp's timeouts for PTB's (made once for each combination)."""
    import aiohttp

    # aiohttp's connect covers waiting for a free connection and opening one.
    waiting = None if connect is None or pool is None else connect + pool
    return aiohttp.ClientTimeout(total=None, connect=waiting, sock_connect=connect, sock_read=read)


def body_of(request_data: RequestData) -> bytes | aiohttp.FormData:
    """Return the form-encoded parameters, or a multipart form when files go with them."""
    import aiohttp

    files = request_data.multipart_data
    if not files:
        return urlencode(request_data.json_parameters).encode()
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mime_type) in files.items():
        form.add_field(name, content, filename=filename, content_type=mime_type)
    return form
