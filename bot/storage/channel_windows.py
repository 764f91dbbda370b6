"""The conversation window of each chat on a windowed channel (WeChat), and its held messages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Select, bindparam, delete, func, insert, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.channel_messages import Address, Choice, Outgoing
from bot.domain.conversation_window import EVENT_QUOTA, QUOTA, NoticeKind, WindowState
from bot.domain.enrolment import ConsentDecision
from bot.storage.channel_chats import CHAT_KEY_BASE, chat_key
from bot.storage.connections import Connections, reading
from bot.storage.contacts import chat_locale
from bot.storage.schema import channel_chats as chats
from bot.storage.schema import channel_windows as windows
from bot.storage.schema import contacts
from bot.storage.schema import held_messages as held


@dataclass(frozen=True)
class HeldMessage:
    """A message kept until the person writes: its words and choices, and its notice's kind."""

    id: int
    chat_id: int
    held_at: datetime
    message: Outgoing
    kind: NoticeKind


@dataclass(frozen=True)
class ChatWindow:
    """What a send to a chat needs to know: its key, its language (its newest contact's, if
    any), its window and how many of its messages are held."""

    chat_id: int
    locale: str | None
    state: WindowState
    held: int


class ChannelWindowRepository:
    def __init__(self, engine: Connections) -> None:
        self._engine = engine

    async def window_of(self, address: Address) -> ChatWindow | None:
        """Return the window of the chat at an address, read at once (None: no chat has the
        address yet)."""
        values = {"channel": str(address.channel), "address": address.chat}
        async with reading(self._engine) as conn:
            row = (await conn.execute(_WINDOW_OF, values)).first()
        if row is None:
            return None
        return ChatWindow(chat_key(row.id), row.locale, _state(row), int(row.held))

    async def state(self, chat_id: int) -> WindowState:
        """Return a chat's window (a chat never seen: closed, no notice)."""
        query = select(windows).where(windows.c.chat_id == chat_id)
        async with reading(self._engine) as conn:
            row = (await conn.execute(query)).first()
        return WindowState() if row is None else _state(row)

    async def opened(self, chat_id: int, now: datetime) -> None:
        """The person wrote: the window runs from now, the count restarts, the notice is
        answered."""
        await self._upsert(chat_id, last_inbound_at=now, sent_since_inbound=0, notice_sent_at=None)

    async def event_opened(self, chat_id: int, now: datetime) -> None:
        """The person followed, scanned or clicked the menu: a few messages may go for a
        minute, and the notice is answered."""
        await self._upsert(chat_id, last_event_at=now, sent_since_event=0, notice_sent_at=None)

    async def counted(self, chat_id: int) -> None:
        """Count one conversation message sent to the chat (against both allowances)."""
        async with self._engine.begin() as conn:
            await conn.execute(_COUNTED, {"chat": chat_id})

    async def exhausted(self, chat_id: int) -> None:
        """The platform refused a conversation message: nothing more goes until they write."""
        await self._upsert(chat_id, sent_since_inbound=QUOTA, sent_since_event=EVENT_QUOTA)

    async def noticed(self, chat_id: int, now: datetime) -> None:
        """Record that a notice asking the person to write went out now."""
        await self._upsert(chat_id, notice_sent_at=now)

    async def hold(self, chat_id: int, message: Outgoing, kind: NoticeKind, now: datetime) -> int:
        """Keep a message's words and choices until the person writes; return its id."""
        choices = [[{"id": c.id, "label": c.label} for c in row] for row in message.choices]
        statement = insert(held).values(
            chat_id=chat_id, held_at=now, text=message.text, choices=choices, notice_kind=kind
        )
        async with self._engine.begin() as conn:
            result = await conn.execute(statement.returning(held.c.id))
            return int(result.scalar_one())

    async def held_count(self, chat_id: int) -> int:
        """Return how many messages wait for the chat."""
        query = select(func.count()).select_from(held).where(held.c.chat_id == chat_id)
        async with reading(self._engine) as conn:
            return int((await conn.execute(query)).scalar_one())

    async def take_held(self, chat_id: int, limit: int) -> list[HeldMessage]:
        """Remove and return the chat's oldest `limit` held messages, oldest first."""
        if limit <= 0:
            return []
        query = (
            select(held)
            .where(held.c.chat_id == chat_id)
            .order_by(held.c.held_at, held.c.id)
            .limit(limit)
        )
        async with self._engine.begin() as conn:
            rows = (await conn.execute(query)).all()
            ids = [row.id for row in rows]
            await conn.execute(delete(held).where(held.c.id.in_(ids)))
        return [_held(row) for row in rows]

    async def forget(self, chat_id: int) -> None:
        """Delete a chat's window and held messages (they unfollowed: none can reach them)."""
        async with self._engine.begin() as conn:
            await forget_chats(conn, [chat_id])

    async def drop_held_unfollowed(self, chats: list[int]) -> None:
        """Delete the held messages of those chats that follow nobody now (withdrawn)."""
        async with self._engine.begin() as conn:
            await drop_held_unfollowed(conn, chats)

    async def drop_held_before(self, before: datetime) -> int:
        """Delete the messages held since before `before` (never delivered); return how many."""
        async with self._engine.begin() as conn:
            result = await conn.execute(delete(held).where(held.c.held_at < before))
        return int(result.rowcount)

    async def _upsert(self, chat_id: int, **values: Any) -> None:
        dialect = postgresql if self._engine.dialect.name == "postgresql" else sqlite
        fresh = {"sent_since_inbound": 0, "sent_since_event": 0, **values}
        statement = (
            dialect.insert(windows)
            .values(chat_id=chat_id, **fresh)
            .on_conflict_do_update(index_elements=[windows.c.chat_id], set_=values)
        )
        async with self._engine.begin() as conn:
            await conn.execute(statement)


async def forget_chats(conn: AsyncConnection, chats: list[int]) -> None:
    """Delete the windows and held messages of these chats (erasure)."""
    await conn.execute(delete(held).where(held.c.chat_id.in_(chats)))
    await conn.execute(delete(windows).where(windows.c.chat_id.in_(chats)))


async def drop_held_unfollowed(
    conn: AsyncConnection, chats: list[int], stopped_patient: int | None = None
) -> None:
    """Delete the held messages of these chats unless a chat still follows a patient (with
    consent, other than `stopped_patient`): follow-up stopped, so none may go later."""
    followed = select(contacts.c.chat_id).where(contacts.c.consent == ConsentDecision.GRANTED)
    if stopped_patient is not None:
        followed = followed.where(contacts.c.patient_id != stopped_patient)
    await conn.execute(
        delete(held).where(held.c.chat_id.in_(chats), held.c.chat_id.not_in(followed))
    )


def _held(row: Any) -> HeldMessage:
    choices = tuple(
        tuple(Choice(str(item["id"]), str(item["label"])) for item in line) for line in row.choices
    )
    message = Outgoing(row.text, choices)
    return HeldMessage(row.id, row.chat_id, row.held_at, message, NoticeKind(row.notice_kind))


# Built once: these run for every WeChat message the dispatcher sends.
_STATE = (
    windows.c.last_inbound_at,
    windows.c.sent_since_inbound,
    windows.c.notice_sent_at,
    windows.c.last_event_at,
    windows.c.sent_since_event,
)


def _state(row: Any) -> WindowState:
    """Return the window a row of channel_windows holds (its columns absent: a new chat's)."""
    return WindowState(
        row.last_inbound_at,
        row.sent_since_inbound or 0,
        row.notice_sent_at,
        row.last_event_at,
        row.sent_since_event or 0,
    )


def _window_of_query() -> Select[Any]:
    """Return the read of a chat's key, language, window and held count by its address."""
    key = literal(CHAT_KEY_BASE, BigInteger) - chats.c.id
    locale = chat_locale(key).scalar_subquery()
    waiting = select(func.count()).where(held.c.chat_id == key).scalar_subquery()
    return (
        select(chats.c.id, locale.label("locale"), waiting.label("held"), *_STATE)
        .select_from(chats.outerjoin(windows, windows.c.chat_id == key))
        .where(chats.c.channel == bindparam("channel"), chats.c.address == bindparam("address"))
    )


_WINDOW_OF = _window_of_query()
_COUNTED = (
    update(windows)
    .where(windows.c.chat_id == bindparam("chat"))
    .values(
        sent_since_inbound=windows.c.sent_since_inbound + 1,
        sent_since_event=windows.c.sent_since_event + 1,
    )
)
