"""Chat keys for conversations on plain-text channels, and the choices last offered there."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite

from bot.domain.channel_messages import Address, ChannelName, Choice
from bot.storage.connections import Connections, reading
from bot.storage.schema import channel_chats as chats

# Telegram's chat ids stay within 52 bits either side of zero: these keys never meet them.
CHAT_KEY_BASE = -(2**60)


def chat_key(row_id: int) -> int:
    """Return the chat key of a channel chat's row."""
    return CHAT_KEY_BASE - row_id


def is_channel_chat(chat_id: int) -> bool:
    """Say whether a chat key belongs to a plain-text conversation (not a Telegram chat)."""
    return chat_id <= CHAT_KEY_BASE


# Built once: every message to a plain-text channel's address looks up its chat.
_ROW_OF = select(chats.c.id).where(
    chats.c.channel == bindparam("channel"), chats.c.address == bindparam("address")
)


def _where(address: Address) -> dict[str, str]:
    return {"channel": str(address.channel), "address": address.chat}


class ChannelChatRepository:
    def __init__(self, engine: Connections) -> None:
        self._engine = engine

    async def key_for(self, address: Address) -> int:
        """Return the chat key of an address, giving it one the first time."""
        known = await self.find(address)
        if known is not None:
            return known
        dialect = postgresql if self._engine.dialect.name == "postgresql" else sqlite
        insert = dialect.insert(chats).values(channel=address.channel, address=address.chat)
        async with self._engine.begin() as conn:
            await conn.execute(insert.on_conflict_do_nothing())
            row_id = (await conn.execute(_ROW_OF, _where(address))).scalar_one()
        return chat_key(row_id)

    async def find(self, address: Address) -> int | None:
        """Return the chat key of an address already known, else None (none is given)."""
        async with reading(self._engine) as conn:
            known = (await conn.execute(_ROW_OF, _where(address))).scalar_one_or_none()
        return None if known is None else chat_key(known)

    async def address_of(self, chat_id: int) -> Address | None:
        """Return the address behind a chat key, if it is a channel chat's."""
        if not is_channel_chat(chat_id):
            return None
        query = select(chats.c.channel, chats.c.address).where(
            chats.c.id == CHAT_KEY_BASE - chat_id
        )
        async with reading(self._engine) as conn:
            row = (await conn.execute(query)).first()
        return Address(ChannelName(row.channel), row.address) if row else None

    async def offer(self, chat_id: int, choices: list[Choice], now: datetime) -> None:
        """Remember the choices just offered in a chat (none: a reply is read as text)."""
        offered = [{"id": c.id, "label": c.label} for c in choices] or None
        statement = (
            update(chats)
            .where(chats.c.id == CHAT_KEY_BASE - chat_id)
            .values(offered=offered, offered_at=now)
        )
        async with self._engine.begin() as conn:
            await conn.execute(statement)

    async def offered(self, chat_id: int) -> list[Choice]:
        """Return the choices last offered in a chat."""
        if not is_channel_chat(chat_id):
            return []
        query = select(chats.c.offered).where(chats.c.id == CHAT_KEY_BASE - chat_id)
        async with reading(self._engine) as conn:
            offered = (await conn.execute(query)).scalar_one_or_none()
        return [Choice(str(item["id"]), str(item["label"])) for item in offered or []]
