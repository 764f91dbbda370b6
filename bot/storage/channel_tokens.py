"""Platform accounts' access tokens shared by every worker, and inbound callbacks taken once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from bot.storage.connections import Connections, reading
from bot.storage.schema import channel_inbound as inbound
from bot.storage.schema import channel_tokens as tokens


@dataclass(frozen=True)
class StoredToken:
    token: str
    expires_at: datetime

    def __repr__(self) -> str:  # the token stays out of logs and tracebacks
        return f"StoredToken(expires_at={self.expires_at.isoformat()})"


class ChannelTokenRepository:
    def __init__(self, engine: Connections) -> None:
        self._engine = engine

    async def current(self, account: str) -> StoredToken | None:
        """Return the token stored for an account, if any."""
        query = select(tokens.c.token, tokens.c.expires_at).where(tokens.c.account == account)
        async with reading(self._engine) as conn:
            row = (await conn.execute(query)).first()
        return StoredToken(row.token, row.expires_at) if row else None

    async def store_fetched(
        self, account: str, fetched: StoredToken, replacing: str | None
    ) -> StoredToken:
        """Store a freshly fetched token in place of `replacing` (the one it renews); return
        the token kept.

        Another worker may have stored a token meanwhile: it is kept unless the fetched one
        expires later (the platform invalidates a token when a newer one is fetched). The
        conditional UPDATE decides it atomically.
        """
        dialect = postgresql if self._engine.dialect.name == "postgresql" else sqlite
        first = dialect.insert(tokens).values(
            account=account, token=fetched.token, expires_at=fetched.expires_at
        )
        newer = (
            update(tokens)
            .where(
                tokens.c.account == account,
                or_(tokens.c.token == replacing, tokens.c.expires_at < fetched.expires_at),
            )
            .values(token=fetched.token, expires_at=fetched.expires_at)
        )
        async with self._engine.begin() as conn:
            inserted = await conn.execute(first.on_conflict_do_nothing())
            if inserted.rowcount != 1:
                await conn.execute(newer)
        kept = await self.current(account)
        assert kept is not None
        return kept


class ChannelInboundRepository:
    """The inbound callbacks taken, by channel and de-duplication key."""

    def __init__(self, engine: Connections) -> None:
        self._engine = engine

    async def take_many(
        self, channel: str, callbacks: list[tuple[str, dict[str, Any] | None]], now: datetime
    ) -> set[str]:
        """Record callbacks (key, what it brought) in one transaction; return the keys taken
        now — not those taken before, nor a key's second time in the list."""
        first: dict[str, dict[str, Any] | None] = {}
        for key, event in callbacks:
            first.setdefault(key, event)
        rows = [
            {"channel": channel, "dedup_key": key, "received_at": now, "event": event}
            for key, event in first.items()
        ]
        dialect = postgresql if self._engine.dialect.name == "postgresql" else sqlite
        statement = (
            dialect.insert(inbound)
            .values(rows)
            .on_conflict_do_nothing()
            .returning(inbound.c.dedup_key)
        )
        async with self._engine.begin() as conn:
            return set((await conn.execute(statement)).scalars())

    async def was_handled(self, channel: str, dedup_key: str) -> bool:
        """Say whether a callback taken before was handled to its end."""
        query = select(inbound.c.handled_at).where(
            inbound.c.channel == channel, inbound.c.dedup_key == dedup_key
        )
        async with reading(self._engine) as conn:
            return (await conn.execute(query)).scalar() is not None

    async def handled(self, channel: str, dedup_key: str, now: datetime) -> None:
        """Mark a callback handled and forget what it brought."""
        statement = (
            update(inbound)
            .where(inbound.c.channel == channel, inbound.c.dedup_key == dedup_key)
            .values(handled_at=now, event=None)
        )
        async with self._engine.begin() as conn:
            await conn.execute(statement)

    async def unhandled(self, channel: str) -> list[tuple[str, dict[str, Any]]]:
        """Return the callbacks taken but not handled (a worker stopped), oldest first."""
        query = (
            select(inbound.c.dedup_key, inbound.c.event)
            .where(
                inbound.c.channel == channel,
                inbound.c.handled_at.is_(None),
                inbound.c.event.is_not(None),
            )
            .order_by(inbound.c.received_at)
        )
        async with reading(self._engine) as conn:
            rows = (await conn.execute(query)).all()
        return [(row.dedup_key, dict(row.event)) for row in rows]

    async def prune(self, before: datetime) -> None:
        """Forget callbacks older than a platform would retry."""
        async with self._engine.begin() as conn:
            await conn.execute(delete(inbound).where(inbound.c.received_at < before))
