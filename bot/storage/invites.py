"""Invites: only the token's hash is stored."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import insert, select, update

from bot.storage.audit import Actor, write_audit
from bot.storage.connections import Connections, reading
from bot.storage.records import Invite
from bot.storage.schema import invites

_COLUMNS = (
    invites.c.id,
    invites.c.episode_id,
    invites.c.expires_at,
    invites.c.used_at,
    invites.c.failed_attempts,
    invites.c.locked_at,
)


class InviteRepository:
    def __init__(self, engine: Connections) -> None:
        self._engine = engine

    async def create(
        self, episode_id: int, token_hash: str, now: datetime, ttl: timedelta, actor: Actor
    ) -> int:
        """Store a new invite for an episode (audited: who issued it) and return its id."""
        values = {
            "episode_id": episode_id,
            "token_hash": token_hash,
            "created_at": now,
            "expires_at": now + ttl,
            "failed_attempts": 0,
        }
        async with self._engine.begin() as conn:
            result = await conn.execute(insert(invites).values(values).returning(invites.c.id))
            await write_audit(conn, now, actor, "invite.issue", f"episode:{episode_id}")
            return int(result.scalar_one())

    async def by_hash(self, token_hash: str) -> Invite | None:
        """Return the invite whose token hashes to token_hash."""
        return await self._one(select(*_COLUMNS).where(invites.c.token_hash == token_hash))

    async def get(self, invite_id: int) -> Invite | None:
        """Return one invite by id."""
        return await self._one(select(*_COLUMNS).where(invites.c.id == invite_id))

    async def record_failed_attempt(self, invite_id: int, limit: int, now: datetime) -> Invite:
        """Count a wrong identity answer, locking the invite at the limit."""
        async with self._engine.begin() as conn:
            await conn.execute(
                update(invites)
                .where(invites.c.id == invite_id)
                .values(failed_attempts=invites.c.failed_attempts + 1)
            )
            await conn.execute(
                update(invites)
                .where(invites.c.id == invite_id, invites.c.failed_attempts >= limit)
                .where(invites.c.locked_at.is_(None))
                .values(locked_at=now)
            )
            row = (await conn.execute(select(*_COLUMNS).where(invites.c.id == invite_id))).one()
        return Invite(**row._mapping)

    async def mark_used(self, invite_id: int, now: datetime) -> bool:
        """Use up an invite; False when it was already used (single use)."""
        async with self._engine.begin() as conn:
            result = await conn.execute(
                update(invites)
                .where(invites.c.id == invite_id, invites.c.used_at.is_(None))
                .values(used_at=now)
            )
            return result.rowcount == 1

    async def _one(self, query: object) -> Invite | None:
        async with reading(self._engine) as conn:
            row = (await conn.execute(query)).mappings().first()  # type: ignore[call-overload]
        return Invite(**row) if row else None
