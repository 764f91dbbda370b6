"""Where a repository takes its connections: the engine, or one unit of work's connection."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection


class Connections(Protocol):
    """The part of AsyncEngine a repository uses: begin(), connect() and the dialect."""

    @property
    def dialect(self) -> Dialect:
        """Return the database's dialect (SQLite or PostgreSQL)."""
        ...

    def begin(self) -> AbstractAsyncContextManager[AsyncConnection]:
        """Hand out a connection in a transaction that commits when the block ends."""
        ...

    def connect(self) -> AbstractAsyncContextManager[AsyncConnection]:
        """Hand out a connection to read with."""
        ...


class SharedConnection:
    """One connection, already in its transaction, handed to every repository call.

    Neither begin() nor connect() commits: the unit of work that owns the connection
    commits once at its end, or rolls everything back.
    """

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    @property
    def dialect(self) -> Dialect:
        """Return the dialect of the shared connection."""
        return self._connection.dialect

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncConnection]:
        """Hand out the shared connection (its transaction is the unit of work's)."""
        yield self._connection

    @asynccontextmanager
    async def connect(self) -> AsyncIterator[AsyncConnection]:
        """Hand out the shared connection, so reads see the unit of work's own writes."""
        yield self._connection
