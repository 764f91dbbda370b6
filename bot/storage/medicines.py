"""Discharge medicines whose reminders were stopped, by staff or by the patient's answer."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import insert, select, update

from bot.domain.messages import FailureReason
from bot.storage.audit import Actor, write_audit
from bot.storage.connections import Connections, reading
from bot.storage.outbox_records import MessageStatus
from bot.storage.schema import medicine_stops as s
from bot.storage.schema import scheduled_messages as m

STOPPED_REASON = FailureReason.MEDICINE_STOPPED.value


class StopSource(StrEnum):
    PATIENT = "patient"
    STAFF = "staff"


class MedicineRepository:
    def __init__(self, engine: Connections) -> None:
        self._engine = engine

    async def stopped(self, episode_id: int) -> frozenset[int]:
        """Return the places (from 0) of the stay's medicines no longer reminded of."""
        query = select(s.c.medicine).where(s.c.episode_id == episode_id)
        async with reading(self._engine) as conn:
            return frozenset((await conn.execute(query)).scalars())

    async def stop(
        self,
        episode_id: int,
        medicine: int,
        step_keys: tuple[str, ...],
        source: StopSource,
        actor: Actor,
        now: datetime,
    ) -> bool:
        """Stop a medicine's reminders (its rows with step_keys) in one transaction, audited;
        return False when it was already stopped."""
        async with self._engine.begin() as conn:
            known = select(s.c.id).where(s.c.episode_id == episode_id, s.c.medicine == medicine)
            if (await conn.execute(known)).first() is not None:
                return False
            await conn.execute(
                insert(s).values(
                    episode_id=episode_id,
                    medicine=medicine,
                    source=source.value,
                    actor_id=str(actor),
                    at=now,
                )
            )
            await conn.execute(
                update(m)
                .where(
                    m.c.episode_id == episode_id,
                    m.c.step_key.in_(step_keys),
                    m.c.status == MessageStatus.PENDING.value,
                )
                .values(
                    status=MessageStatus.CANCELLED.value,
                    failure_reason=STOPPED_REASON,
                    updated_at=now,
                )
            )
            subject = f"episode:{episode_id}"
            detail = f"medicine={medicine + 1} by={source.value}"
            await write_audit(conn, now, actor, "medicine.stop", subject, detail)
        return True
