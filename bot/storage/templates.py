"""Edited message templates: every saved version is kept, the newest of each locale is used."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select

from bot.storage.audit import Actor, write_audit
from bot.storage.connections import Connections, reading
from bot.storage.schema import template_versions as t


@dataclass(frozen=True)
class TemplateVersion:
    key: str
    locale: str
    version: int
    body: str
    author_id: int
    created_at: datetime


class TemplateRepository:
    def __init__(self, engine: Connections) -> None:
        self._engine = engine

    async def save(self, key: str, locale: str, body: str, author_id: int, now: datetime) -> int:
        """Store a new version of a template in a locale; return its version number."""
        async with self._engine.begin() as conn:
            last = (
                await conn.execute(select(func.max(t.c.version)).where(t.c.key == key))
            ).scalar()
            version = int(last or 0) + 1
            await conn.execute(
                insert(t).values(
                    key=key,
                    locale=locale,
                    version=version,
                    body=body,
                    author_id=author_id,
                    created_at=now,
                )
            )
            subject = f"template:{key}:{locale}"
            await write_audit(
                conn, now, Actor.staff(author_id), "template.edit", subject, f"v{version}"
            )
        return version

    async def history(self, key: str) -> list[TemplateVersion]:
        """Return every saved version of a template, oldest first."""
        query = select(t.c.key, t.c.locale, t.c.version, t.c.body, t.c.author_id, t.c.created_at)
        async with reading(self._engine) as conn:
            rows = await conn.execute(query.where(t.c.key == key).order_by(t.c.version))
            return [TemplateVersion(**row) for row in rows.mappings()]

    async def current(self) -> dict[tuple[str, str], str]:
        """Return the newest body of every edited (locale, key)."""
        newest = (
            select(t.c.key, t.c.locale, func.max(t.c.version).label("version"))
            .group_by(t.c.key, t.c.locale)
            .subquery()
        )
        query = select(t.c.locale, t.c.key, t.c.body).join(
            newest,
            (t.c.key == newest.c.key)
            & (t.c.locale == newest.c.locale)
            & (t.c.version == newest.c.version),
        )
        async with reading(self._engine) as conn:
            return {(locale, key): body for locale, key, body in (await conn.execute(query)).all()}
