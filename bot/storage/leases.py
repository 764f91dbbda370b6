"""Sharing one database between processes: leases on periodic duties, updates seen once."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from bot.storage.connections import Connections, reading
from bot.storage.schema import job_leases as j
from bot.storage.schema import seen_updates as seen


class LeaseRepository:
    def __init__(self, engine: Connections) -> None:
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
    """The update ids workers have handled, so that a redelivered one is skipped."""

    def __init__(self, engine: Connections) -> None:
        self._engine = engine

    async def already(self, update_id: int) -> bool:
        """Say whether some worker has handled this update."""
        query = select(seen.c.update_id).where(seen.c.update_id == update_id)
        async with reading(self._engine) as conn:
            return (await conn.execute(query)).first() is not None

    async def mark(self, update_id: int, now: datetime) -> None:
        """Record that an update was handled (a second record of it changes nothing)."""
        dialect = postgresql if self._engine.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(seen).values(update_id=update_id, at=now)
        async with self._engine.begin() as conn:
            await conn.execute(statement.on_conflict_do_nothing())

    async def prune(self, before: datetime) -> None:
        """Forget ids older than Telegram would redeliver."""
        async with self._engine.begin() as conn:
            await conn.execute(delete(seen).where(seen.c.at < before))
