"""What patients send outside a survey answer, kept whole (patient_messages)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import RowMapping, insert, select, update

from bot.domain.patient_messages import (
    Acknowledgement,
    PatientMessage,
    PatientMessageKind,
    StoredMessage,
)
from bot.domain.triage import Triage
from bot.storage.connections import Connections, reading
from bot.storage.schema import patient_messages as messages


def _stored(row: RowMapping) -> StoredMessage:
    return StoredMessage(
        **{
            **row,
            "kind": PatientMessageKind(row["kind"]),
            "triage": Triage(row["triage"]) if row["triage"] else None,
            "reply": Acknowledgement(row["reply"]) if row["reply"] else None,
        }
    )


class PatientMessageRepository:
    def __init__(self, engine: Connections) -> None:
        self._engine = engine

    async def record(
        self,
        patient_id: int,
        contact_id: int | None,
        chat_id: int,
        message: PatientMessage,
        triage: Triage | None,
        now: datetime,
    ) -> int:
        """Keep a message whole; return its id."""
        values = {
            "patient_id": patient_id,
            "contact_id": contact_id,
            "chat_id": chat_id,
            "received_at": now,
            "kind": message.kind.value,
            "text": message.text or None,
            "file_id": message.file_id,
            "triage": triage.value if triage else None,
        }
        async with self._engine.begin() as conn:
            result = await conn.execute(insert(messages).values(values).returning(messages.c.id))
            return int(result.scalar_one())

    async def get(self, message_id: int) -> StoredMessage | None:
        """Return one recorded message."""
        query = select(messages).where(messages.c.id == message_id)
        async with reading(self._engine) as conn:
            row = (await conn.execute(query)).mappings().first()
        return _stored(row) if row else None

    async def for_chat(self, chat_id: int) -> list[StoredMessage]:
        """Return a chat's recorded messages, oldest first."""
        query = (
            select(messages)
            .where(messages.c.chat_id == chat_id)
            .order_by(messages.c.received_at, messages.c.id)
        )
        async with reading(self._engine) as conn:
            return [_stored(row) for row in (await conn.execute(query)).mappings()]

    async def latest_case(self, chat_id: int) -> int | None:
        """Return the case the chat's latest message that went to one went to, if any."""
        query = (
            select(messages.c.case_id)
            .where(messages.c.chat_id == chat_id, messages.c.case_id.is_not(None))
            .order_by(messages.c.received_at.desc(), messages.c.id.desc())
            .limit(1)
        )
        async with reading(self._engine) as conn:
            found = (await conn.execute(query)).scalar()
        return int(found) if found is not None else None

    async def went_to(self, message_id: int, case_id: int) -> None:
        """Record the case a message was put in."""
        statement = update(messages).where(messages.c.id == message_id).values(case_id=case_id)
        async with self._engine.begin() as conn:
            await conn.execute(statement)

    async def acknowledged(self, message_id: int, reply: Acknowledgement) -> None:
        """Record the acknowledgement the patient was sent for a message."""
        statement = update(messages).where(messages.c.id == message_id).values(reply=reply.value)
        async with self._engine.begin() as conn:
            await conn.execute(statement)

    async def acknowledged_since(
        self, chat_id: int, reply: Acknowledgement, since: datetime
    ) -> StoredMessage | None:
        """Return the latest message of a chat acknowledged so since a moment, if any."""
        query = (
            select(messages)
            .where(
                messages.c.chat_id == chat_id,
                messages.c.reply == reply.value,
                messages.c.received_at >= since,
            )
            .order_by(messages.c.received_at.desc(), messages.c.id.desc())
            .limit(1)
        )
        async with reading(self._engine) as conn:
            row = (await conn.execute(query)).mappings().first()
        return _stored(row) if row else None
