"""Sharing one database between processes: leases on periodic duties, updates seen once."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage.schema import job_leases as j
from bot.storage.schema import seen_updates as seen


class LeaseRepository:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def take(self, name: str, owner: str, now: datetime, duration: timedelta) -> bool:
        """Take or renew the lease on a duty; False while another owner holds it.

        The conditional UPDATE is atomic on both databases: of two processes racing for an
        expired lease, exactly one changes the row.
        """
        dialect = postgresql if self._engine.dialect.name == "postgresql" else sqlite
        first = dialect.insert(j).values(name=name, owner="", until=now)
        async with self._engine.begin() as conn:
            await conn.execute(first.on_conflict_do_nothing(index_elements=[j.c.name]))
            result = await conn.execute(
                update(j)
                .where(j.c.name == name, or_(j.c.until <= now, j.c.owner == owner))
                .values(owner=owner, until=now + duration)
            )
            return result.rowcount == 1

    async def release(self, owner: str) -> None:
        """Give up every lease of an owner that stops, so that another takes over at once."""
        async with self._engine.begin() as conn:
            await conn.execute(delete(j).where(j.c.owner == owner))


class SeenUpdates:
    """The update ids workers have taken, so that each update is handled once."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def first_time(self, update_id: int, now: datetime) -> bool:
        """Record an update id; False when some worker already took it."""
        dialect = postgresql if self._engine.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(seen).values(update_id=update_id, at=now)
        async with self._engine.begin() as conn:
            result = await conn.execute(statement.on_conflict_do_nothing())
            return result.rowcount == 1

    async def prune(self, before: datetime) -> None:
        """Forget ids older than Telegram would redeliver."""
        async with self._engine.begin() as conn:
            await conn.execute(delete(seen).where(seen.c.at < before))
