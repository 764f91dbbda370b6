"""Changes admins made to plan steps in chat, applied over the plan files in order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select

from bot.storage.audit import Actor, write_audit
from bot.storage.connections import Connections, reading
from bot.storage.schema import plan_overrides as o


@dataclass(frozen=True)
class PlanChange:
    plan_key: str
    step_key: str
    field: str
    value: str


class PlanEditRepository:
    def __init__(self, engine: Connections) -> None:
        self._engine = engine

    async def add(self, change: PlanChange, author_id: int, now: datetime) -> None:
        """Keep a change (who and when included)."""
        async with self._engine.begin() as conn:
            await conn.execute(
                insert(o).values(**change.__dict__, author_id=author_id, created_at=now)
            )
            subject = f"plan:{change.plan_key}:{change.step_key}"
            detail = f"{change.field}={change.value}"
            await write_audit(conn, now, Actor.staff(author_id), "plan.edit", subject, detail)

    async def all(self) -> list[PlanChange]:
        """Return every change, oldest first."""
        query = select(o.c.plan_key, o.c.step_key, o.c.field, o.c.value).order_by(o.c.id)
        async with reading(self._engine) as conn:
            return [PlanChange(**row) for row in (await conn.execute(query)).mappings()]
