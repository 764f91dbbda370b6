"""The notice SMS each chat is owed, until the contact hours or the limits let it go."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.conversation_window import NoticeKind
from bot.domain.notice_kinds import outranks
from bot.storage.connections import Connections, reading
from bot.storage.outbox.eligibility import eligible
from bot.storage.schema import contacts, episodes, patients
from bot.storage.schema import sms_owed as owed


@dataclass(frozen=True)
class OwedNotice:
    """A chat's notice SMS held until `due_at`."""

    chat_id: int
    kind: NoticeKind
    due_at: datetime


class SmsOwedRepository:
    def __init__(self, engine: Connections) -> None:
        self._engine = engine

    async def owe(self, chat_id: int, kind: NoticeKind, due_at: datetime) -> None:
        """Owe a chat a notice from `due_at`: one a chat, of the kind that matters most (a
        staff reply's links to the replies page), the later due time kept."""
        held = await self.get(chat_id)
        if held is not None:
            kind = held.kind if outranks(held.kind, kind) else kind
            due_at = max(due_at, held.due_at)
        dialect = postgresql if self._engine.dialect.name == "postgresql" else sqlite
        values = {"chat_id": chat_id, "kind": kind.value, "due_at": due_at}
        statement = dialect.insert(owed).values(**values)
        statement = statement.on_conflict_do_update(
            index_elements=[owed.c.chat_id], set_={"kind": kind.value, "due_at": due_at}
        )
        async with self._engine.begin() as conn:
            await conn.execute(statement)

    async def get(self, chat_id: int) -> OwedNotice | None:
        """Return the notice a chat is owed, if any."""
        query = select(owed).where(owed.c.chat_id == chat_id)
        async with reading(self._engine) as conn:
            row = (await conn.execute(query)).first()
        return None if row is None else OwedNotice(row.chat_id, NoticeKind(row.kind), row.due_at)

    async def due(self, now: datetime, limit: int = 200) -> list[OwedNotice]:
        """Forget the notices of chats no longer followed (withdrawn, unreachable, excluded,
        deceased, in dispute, erased); return those due by now, the longest waiting first."""
        followed = (
            select(contacts.c.chat_id)
            .join(episodes, episodes.c.id == contacts.c.episode_id)
            .join(patients, patients.c.id == contacts.c.patient_id)
            .where(eligible())
        )
        query = select(owed).where(owed.c.due_at <= now).order_by(owed.c.due_at).limit(limit)
        async with self._engine.begin() as conn:
            await conn.execute(delete(owed).where(owed.c.chat_id.not_in(followed)))
            rows = (await conn.execute(query)).all()
        return [OwedNotice(row.chat_id, NoticeKind(row.kind), row.due_at) for row in rows]

    async def settle(self, chat_id: int) -> None:
        """Forget the notice a chat was owed (sent, or no longer needed)."""
        async with self._engine.begin() as conn:
            await conn.execute(delete(owed).where(owed.c.chat_id == chat_id))


async def forget_owed(conn: AsyncConnection, chats: list[int]) -> None:
    """Delete the notices these chats were owed (erasure)."""
    await conn.execute(delete(owed).where(owed.c.chat_id.in_(chats)))
