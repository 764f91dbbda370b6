"""Read patients' discharge episodes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, select

from bot.storage.connections import Connections, reading
from bot.storage.records import Episode
from bot.storage.schema import departments, episodes, patients


def _episode_query() -> Select[Any]:
    return select(
        episodes.c.id,
        episodes.c.patient_id,
        patients.c.hospital_no,
        patients.c.name,
        patients.c.phone,
        patients.c.birth_date,
        episodes.c.department_id,
        departments.c.name.label("department"),
        episodes.c.attending_doctor,
        episodes.c.discharged_at,
        episodes.c.consent,
        episodes.c.exclusion,
        episodes.c.plan,
        episodes.c.diagnosis,
        episodes.c.revisit_at,
        episodes.c.medications,
        episodes.c.nurse,
        episodes.c.language,
        episodes.c.flags,
        episodes.c.treated_on,
        episodes.c.preferred_channel,
        patients.c.deceased_at.is_not(None).label("deceased"),
        patients.c.dispute_since.is_not(None).label("in_dispute"),
    ).select_from(episodes.join(patients).join(departments))


class EpisodeRepository:
    def __init__(self, engine: Connections) -> None:
        self._engine = engine

    async def latest_for(self, hospital_no: str) -> Episode | None:
        """Return the patient's most recent discharge, or None when unknown."""
        query = (
            _episode_query()
            .where(patients.c.hospital_no == hospital_no)
            .order_by(episodes.c.discharged_at.desc())
            .limit(1)
        )
        return await self._one(query)

    async def get(self, episode_id: int) -> Episode | None:
        """Return one episode by id."""
        return await self._one(_episode_query().where(episodes.c.id == episode_id))

    async def discharged_between(self, start: datetime, end: datetime) -> list[Episode]:
        """Return the episodes discharged in [start, end), oldest first."""
        query = (
            _episode_query()
            .where(episodes.c.discharged_at >= start, episodes.c.discharged_at < end)
            .order_by(episodes.c.discharged_at, patients.c.hospital_no)
        )
        async with reading(self._engine) as conn:
            return [Episode(**row) for row in (await conn.execute(query)).mappings()]

    async def _one(self, query: Select[Any]) -> Episode | None:
        async with reading(self._engine) as conn:
            row = (await conn.execute(query)).mappings().first()
        return Episode(**row) if row else None
