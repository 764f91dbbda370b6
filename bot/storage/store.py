"""The repositories together, over one engine (each call its own transaction)."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage.connections import WriteTurns
from bot.storage.database import create_engine
from bot.storage.unit_of_work import Repositories, UnitOfWork, unit_of_work


@dataclass(frozen=True)
class Store(Repositories):
    """Every repository over the engine; unit_of_work() groups calls into one transaction."""

    engine: AsyncEngine
    writes: WriteTurns  # the repositories' connections: writers take turns on SQLite

    @classmethod
    def open(cls, url: str) -> Store:
        """Open the database at url (no I/O until first use)."""
        engine = create_engine(url)
        writes = WriteTurns(engine)
        return cls.over(writes, engine=engine, writes=writes)

    def unit_of_work(self) -> AbstractAsyncContextManager[UnitOfWork]:
        """Start a unit of work: `async with store.unit_of_work() as uow: ...`."""
        return unit_of_work(self.writes)

    async def close(self) -> None:
        """Release the database connections."""
        await self.engine.dispose()
