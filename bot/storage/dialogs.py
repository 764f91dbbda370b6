"""Dialog state per chat, so a restart continues a conversation where it was."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select

from bot.domain.dialogs import DialogKind
from bot.storage.connections import Connections, reading
from bot.storage.records import DialogState
from bot.storage.schema import dialog_states


class DialogRepository:
    def __init__(self, engine: Connections) -> None:
        self._engine = engine

    async def get(self, chat_id: int) -> DialogState | None:
        """Return the chat's open dialog, if any."""
        query = select(
            dialog_states.c.chat_id,
            dialog_states.c.kind,
            dialog_states.c.step,
            dialog_states.c.data,
        ).where(dialog_states.c.chat_id == chat_id)
        async with reading(self._engine) as conn:
            row = (await conn.execute(query)).mappings().first()
        return DialogState(**row) if row else None

    async def save(
        self, chat_id: int, kind: DialogKind, step: str, data: dict[str, object], now: datetime
    ) -> None:
        """Store the chat's dialog at a step, replacing what was there."""
        values = {
            "chat_id": chat_id,
            "kind": kind.value,
            "step": str(step),
            "data": data,
            "updated_at": now,
        }
        async with self._engine.begin() as conn:
            await conn.execute(delete(dialog_states).where(dialog_states.c.chat_id == chat_id))
            await conn.execute(dialog_states.insert().values(values))

    async def clear(self, chat_id: int) -> None:
        """Forget the chat's dialog."""
        async with self._engine.begin() as conn:
            await conn.execute(delete(dialog_states).where(dialog_states.c.chat_id == chat_id))
