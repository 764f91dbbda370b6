"""Cases staff must handle: red flags, complaints, praise and questions for the doctor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage.schema import cases


class CaseKind(StrEnum):
    RED_FLAG = "red_flag"
    COMPLAINT = "complaint"
    PRAISE = "praise"
    QUESTION = "question"


@dataclass(frozen=True)
class NewCase:
    kind: CaseKind
    patient_id: int
    episode_id: int
    contact_id: int | None
    source: str
    session_id: int | None = None
    question: str | None = None
    answer: str | None = None
    text: str | None = None
    due_at: datetime | None = None


@dataclass(frozen=True)
class Case:
    id: int
    kind: str
    patient_id: int
    episode_id: int
    contact_id: int | None
    session_id: int | None
    source: str
    question: str | None
    answer: str | None
    text: str | None
    status: str
    created_at: datetime
    due_at: datetime | None
    staff_chat_id: int | None
    staff_message_id: int | None
    acknowledged_by: int | None
    acknowledged_at: datetime | None


class CaseRepository:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def open(self, new: NewCase, now: datetime) -> Case:
        """Register a new case."""
        values = {**new.__dict__, "kind": new.kind.value, "status": "new", "created_at": now}
        async with self._engine.begin() as conn:
            result = await conn.execute(insert(cases).values(values).returning(cases.c.id))
            case_id = int(result.scalar_one())
        case = await self.get(case_id)
        assert case is not None
        return case

    async def get(self, case_id: int) -> Case | None:
        """Return one case."""
        async with self._engine.connect() as conn:
            row = (await conn.execute(select(cases).where(cases.c.id == case_id))).mappings()
            found = row.first()
        return Case(**found) if found else None

    async def for_patient(self, patient_id: int) -> list[Case]:
        """Return a patient's cases, oldest first."""
        query = select(cases).where(cases.c.patient_id == patient_id).order_by(cases.c.id)
        async with self._engine.connect() as conn:
            return [Case(**row) for row in (await conn.execute(query)).mappings()]

    async def set_staff_message(self, case_id: int, chat_id: int, message_id: int) -> None:
        """Remember where the case was posted in the staff group."""
        async with self._engine.begin() as conn:
            await conn.execute(
                update(cases)
                .where(cases.c.id == case_id)
                .values(staff_chat_id=chat_id, staff_message_id=message_id)
            )

    async def acknowledge(self, case_id: int, user_id: int, now: datetime) -> bool:
        """Record who acknowledged a case first; False if it already was."""
        async with self._engine.begin() as conn:
            result = await conn.execute(
                update(cases)
                .where(cases.c.id == case_id, cases.c.acknowledged_at.is_(None))
                .values(acknowledged_by=user_id, acknowledged_at=now, status="acknowledged")
            )
            return result.rowcount == 1
