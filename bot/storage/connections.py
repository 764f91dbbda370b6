"""Where a repository takes its connections: the engine, or one unit of work's connection."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from typing import Protocol

from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

READ_ONLY = "followup_read_only"  # execution option: this connection only reads


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


class WriteTurns:
    """The engine, its write transactions taking turns in this process on SQLite.

    SQLite has one write lock. Writers of one process waiting for it in SQLite's busy handler
    sleep and try again, first come not first served: with many writers at once (the
    dispatcher's sends, patients' presses) one could wait past the busy timeout and fail
    with "database is locked". Here they queue on an asyncio lock, in order, and SQLite's
    busy handler waits only for other processes. On PostgreSQL writers go side by side.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._turn: asyncio.Lock | None = (
            asyncio.Lock() if engine.dialect.name == "sqlite" else None
        )

    @property
    def dialect(self) -> Dialect:
        """Return the engine's dialect."""
        return self.engine.dialect

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncConnection]:
        """Hand out a connection in a transaction that commits when the block ends, once the
        writers before it in this process are done."""
        async with self._turn or nullcontext(), self.engine.begin() as conn:
            yield conn

    def connect(self) -> AbstractAsyncContextManager[AsyncConnection]:
        """Hand out a connection to read with."""
        return self.engine.connect()


@asynccontextmanager
async def reading(connections: Connections) -> AsyncIterator[AsyncConnection]:
    """Hand out a connection that only reads. From the engine it is marked READ_ONLY, so on
    SQLite it reads its own snapshot beside a writer instead of waiting for the write lock;
    a unit of work's shared connection is handed out as it is."""
    async with connections.connect() as conn:
        if not isinstance(connections, SharedConnection):
            conn = await conn.execution_options(**{READ_ONLY: True})
        yield conn
