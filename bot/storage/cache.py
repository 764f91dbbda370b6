"""Small facts cached in the database, such as the bot's username."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, select

from bot.storage.connections import Connections, reading
from bot.storage.schema import settings_cache


class CacheRepository:
    def __init__(self, engine: Connections) -> None:
        self._engine = engine

    async def get(self, key: str) -> str | None:
        """Return the cached value for key."""
        query = select(settings_cache.c.value).where(settings_cache.c.key == key)
        async with reading(self._engine) as conn:
            return (await conn.execute(query)).scalar()

    async def put(self, key: str, value: str, now: datetime) -> None:
        """Cache value under key."""
        async with self._engine.begin() as conn:
            await conn.execute(delete(settings_cache).where(settings_cache.c.key == key))
            row = {"key": key, "value": value, "updated_at": now}
            await conn.execute(insert(settings_cache).values(row))
