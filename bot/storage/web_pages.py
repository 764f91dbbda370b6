"""The page channel's feed per chat, the links to its pages, and when they were last used."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.channel_messages import Choice
from bot.domain.web_links import LinkPurpose
from bot.storage.connections import Connections, reading
from bot.storage.schema import web_feed as feed
from bot.storage.schema import web_links as links
from bot.storage.schema import web_visits as visits


@dataclass(frozen=True)
class FeedEntry:
    """One message shown on a chat's page: its words and the choices offered with it."""

    id: int
    sent_at: datetime
    text: str
    choices: list[Choice]
    private: bool = False  # staff's reply: its words only after the identity check


@dataclass(frozen=True)
class WebLink:
    """A stored link: whose, for what, until when, and its identity-check attempts."""

    id: int
    chat_id: int
    purpose: LinkPurpose
    expires_at: datetime
    failed_attempts: int
    locked_until: datetime | None


class WebPageRepository:
    def __init__(self, engine: Connections) -> None:
        self._engine = engine

    async def add_to_feed(
        self,
        chat_id: int,
        text: str,
        choices: list[Choice],
        now: datetime,
        private: bool = False,
    ) -> int:
        """Keep a message for a chat's page (private: a staff reply); return its feed id."""
        offered = [{"id": c.id, "label": c.label} for c in choices]
        values = {"chat_id": chat_id, "sent_at": now, "text": text, "choices": offered}
        statement = insert(feed).values(**values, private=private)
        async with self._engine.begin() as conn:
            result = await conn.execute(statement.returning(feed.c.id))
            return int(result.scalar_one())

    async def latest(self, chat_id: int, count: int) -> list[FeedEntry]:
        """Return a chat's last `count` messages, oldest first."""
        query = (
            select(feed).where(feed.c.chat_id == chat_id).order_by(feed.c.id.desc()).limit(count)
        )
        async with reading(self._engine) as conn:
            rows = (await conn.execute(query)).all()
        return [
            FeedEntry(
                row.id,
                row.sent_at,
                row.text,
                [Choice(str(c["id"]), str(c["label"])) for c in row.choices],
                bool(row.private),
            )
            for row in reversed(rows)
        ]

    async def touch(self, chat_id: int, now: datetime) -> None:
        """Record that the chat's person opened or used a page now."""
        dialect = postgresql if self._engine.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(visits).values(chat_id=chat_id, last_seen_at=now)
        statement = statement.on_conflict_do_update(
            index_elements=[visits.c.chat_id], set_={"last_seen_at": now}
        )
        async with self._engine.begin() as conn:
            await conn.execute(statement)

    async def last_seen(self, chat_id: int) -> datetime | None:
        """Return when the chat's person last opened or used a page, if ever."""
        query = select(visits.c.last_seen_at).where(visits.c.chat_id == chat_id)
        async with reading(self._engine) as conn:
            seen: datetime | None = (await conn.execute(query)).scalar_one_or_none()
        return seen

    async def keep_link(
        self, token_hash: str, chat_id: int, purpose: LinkPurpose, now: datetime, until: datetime
    ) -> None:
        """Store a link by its token's hash (a link stored before is left as it is)."""
        dialect = postgresql if self._engine.dialect.name == "postgresql" else sqlite
        values = {
            "token_hash": token_hash,
            "chat_id": chat_id,
            "purpose": purpose.value,
            "created_at": now,
            "expires_at": until,
            "failed_attempts": 0,
        }
        statement = dialect.insert(links).values(**values).on_conflict_do_nothing()
        async with self._engine.begin() as conn:
            await conn.execute(statement)

    async def link(self, token_hash: str) -> WebLink | None:
        """Return the link stored for a token's hash."""
        query = select(links).where(links.c.token_hash == token_hash)
        async with reading(self._engine) as conn:
            row = (await conn.execute(query)).first()
        if row is None:
            return None
        return WebLink(
            row.id,
            row.chat_id,
            LinkPurpose(row.purpose),
            row.expires_at,
            row.failed_attempts,
            row.locked_until,
        )

    async def record_failed_check(
        self, link_id: int, limit: int, now: datetime, lock_for: timedelta
    ) -> int:
        """Count a wrong identity answer; lock the link for `lock_for` at `limit`; return the
        attempts left."""
        async with self._engine.begin() as conn:
            await conn.execute(
                update(links)
                .where(links.c.id == link_id)
                .values(failed_attempts=links.c.failed_attempts + 1)
            )
            query = select(links.c.failed_attempts).where(links.c.id == link_id)
            failed = int((await conn.execute(query)).scalar_one())
            if failed >= limit:
                await conn.execute(
                    update(links)
                    .where(links.c.id == link_id)
                    .values(failed_attempts=0, locked_until=now + lock_for)
                )
        return max(limit - failed, 0)

    async def clear_failed_checks(self, link_id: int) -> None:
        """Forget a link's wrong identity answers (a right one came)."""
        statement = update(links).where(links.c.id == link_id).values(failed_attempts=0)
        async with self._engine.begin() as conn:
            await conn.execute(statement)

    async def feed_size(self, chat_id: int) -> int:
        """Return how many messages a chat's page holds."""
        query = select(func.count()).select_from(feed).where(feed.c.chat_id == chat_id)
        async with reading(self._engine) as conn:
            return int((await conn.execute(query)).scalar_one())


async def forget_web_chats(conn: AsyncConnection, chats: list[int]) -> None:
    """Delete the feeds, links and visits of these chats (erasure)."""
    await conn.execute(delete(feed).where(feed.c.chat_id.in_(chats)))
    await conn.execute(delete(links).where(links.c.chat_id.in_(chats)))
    await conn.execute(delete(visits).where(visits.c.chat_id.in_(chats)))
