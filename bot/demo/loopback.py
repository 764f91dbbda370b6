"""What every fake platform served on loopback shares: listening on 127.0.0.1 (a free port
unless given), its base URL, and one HTTP client for the callbacks it posts to the bot."""

from __future__ import annotations

import socket
from typing import Any

import httpx
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application

CALLBACK_TIMEOUT = 30.0  # seconds: platforms give up sooner; a test wants the bot's answer


class LoopbackFake:
    """A fake platform's HTTP side; subclasses give their routes."""

    def __init__(self) -> None:
        self._server: HTTPServer | None = None
        self._client: httpx.AsyncClient | None = None
        self.port = 0

    def routes(self) -> list[Any]:
        """Return the platform's tornado routes."""
        raise NotImplementedError

    @property
    def base_url(self) -> str:
        """The API base URL to give the bot."""
        return f"http://127.0.0.1:{self.port}"

    async def start(self, port: int = 0, extra_routes: list[Any] | None = None) -> None:
        """Listen on loopback (a free port unless given); extra_routes: a runner's own."""
        sockets = bind_sockets(port, "127.0.0.1", family=socket.AF_INET)
        self._server = HTTPServer(Application([*self.routes(), *(extra_routes or [])]))
        self._server.add_sockets(sockets)
        self.port = sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Stop listening, and close the client that posts callbacks."""
        if self._server is not None:
            self._server.stop()
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    @property
    def callbacks(self) -> httpx.AsyncClient:
        """The one client that posts callbacks (a platform keeps its connections)."""
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=CALLBACK_TIMEOUT)
        return self._client
