"""What every part of the outbox repository shares: its connections, a row's status change."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage.connections import Connections
from bot.storage.outbox_records import MessageStatus
from bot.storage.schema import scheduled_messages

m = scheduled_messages


class OutboxTable:
    """The base of the outbox repository's parts: the connections they work through."""

    def __init__(self, engine: Connections) -> None:
        self._engine = engine


async def set_row_status(
    conn: AsyncConnection, row_id: int, status: MessageStatus, reason: str | None, now: datetime
) -> None:
    """Set one row's status and failure reason."""
    await conn.execute(
        update(m)
        .where(m.c.id == row_id)
        .values(status=status.value, failure_reason=reason, updated_at=now)
    )
