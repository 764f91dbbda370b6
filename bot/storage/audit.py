"""The audit log: who read patient data or changed something, and when.

Entries name internal ids only (patient:12, case:3, contact:7), never a name, a phone or a
message, so the log itself needs no erasure.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.actors import ActorKind
from bot.storage.connections import Connections, reading
from bot.storage.schema import audit_events as a

DETAIL_LIMIT = 500


@dataclass(frozen=True)
class Actor:
    """Who did it: a staff member (Telegram user id), a CLI user, a patient's contact or the bot."""

    kind: ActorKind
    id: str

    @classmethod
    def staff(cls, user_id: int) -> Actor:
        return cls(ActorKind.STAFF, str(user_id))

    @classmethod
    def cli(cls) -> Actor:
        return cls(ActorKind.CLI, _os_user())

    @classmethod
    def contact(cls, contact_id: int) -> Actor:
        return cls(ActorKind.CONTACT, str(contact_id))

    @classmethod
    def bot(cls) -> Actor:
        return cls(ActorKind.BOT, ActorKind.BOT.value)

    @classmethod
    def staff_or_bot(cls, user_id: int | None) -> Actor:
        return cls.bot() if user_id is None else cls.staff(user_id)

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    actor_kind: str
    actor_id: str
    action: str
    subject: str | None
    detail: str | None


async def write_audit(
    conn: AsyncConnection,
    now: datetime,
    actor: Actor,
    action: str,
    subject: str | None = None,
    detail: str | None = None,
) -> None:
    """Record one entry inside the caller's transaction (it lands or fails with the change)."""
    values = {
        "at": now,
        "actor_kind": actor.kind.value,
        "actor_id": actor.id,
        "action": action,
        "subject": subject,
        "detail": detail[:DETAIL_LIMIT] if detail else None,
    }
    await conn.execute(insert(a).values(values))


class AuditRepository:
    def __init__(self, engine: Connections) -> None:
        self._engine = engine

    async def record(
        self,
        now: datetime,
        actor: Actor,
        action: str,
        subject: str | None = None,
        detail: str | None = None,
    ) -> None:
        """Record one entry in its own transaction (reads, which change nothing else)."""
        async with self._engine.begin() as conn:
            await write_audit(conn, now, actor, action, subject, detail)

    async def since(
        self, since: datetime, actor_id: str | None = None, limit: int | None = None
    ) -> list[AuditEntry]:
        """Return the newest entries at or after since (of one actor id if given), oldest first."""
        query = select(a.c.at, a.c.actor_kind, a.c.actor_id, a.c.action, a.c.subject, a.c.detail)
        query = query.where(a.c.at >= since)
        if actor_id is not None:
            query = query.where(a.c.actor_id == actor_id)
        # by time: the events a restore puts back get new ids, later than their times
        query = query.order_by(a.c.at.desc(), a.c.id.desc()).limit(limit)
        async with reading(self._engine) as conn:
            rows = (await conn.execute(query)).mappings()
            return [AuditEntry(**row) for row in reversed(list(rows))]


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in a bare container
        return "unknown"
