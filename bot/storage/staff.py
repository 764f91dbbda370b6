"""Staff members and their roles."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, select, update

from bot.domain.roles import Role
from bot.storage.connections import Connections, reading
from bot.storage.records import StaffMember
from bot.storage.schema import departments, staff_members

_QUERY = select(
    staff_members.c.user_id,
    staff_members.c.role,
    staff_members.c.department_id,
    departments.c.name.label("department"),
    staff_members.c.name,
).select_from(staff_members.outerjoin(departments))


class StaffRepository:
    def __init__(self, engine: Connections) -> None:
        self._engine = engine

    async def upsert(
        self, user_id: int, role: Role, department: str | None, name: str | None, now: datetime
    ) -> StaffMember:
        """Add a staff member or change their role, department and name."""
        async with self._engine.begin() as conn:
            department_id = None
            if department:
                query = select(departments.c.id).where(departments.c.name == department)
                department_id = (await conn.execute(query)).scalar()
                if department_id is None:
                    inserted = insert(departments).values(name=department)
                    department_id = (
                        await conn.execute(inserted.returning(departments.c.id))
                    ).scalar_one()
            values = {"role": role.value, "department_id": department_id, "name": name}
            where = staff_members.c.user_id == user_id
            result = await conn.execute(update(staff_members).where(where).values(values))
            if result.rowcount == 0:
                row = {**values, "user_id": user_id, "created_at": now}
                await conn.execute(insert(staff_members).values(row))
        member = await self.get(user_id)
        assert member is not None
        return member

    async def get(self, user_id: int) -> StaffMember | None:
        """Return the staff member with this Telegram user id, if any."""
        async with reading(self._engine) as conn:
            query = _QUERY.where(staff_members.c.user_id == user_id)
            row = (await conn.execute(query)).mappings().first()
        return _member(dict(row)) if row else None

    async def all(self) -> list[StaffMember]:
        """Return every staff member, by user id."""
        async with reading(self._engine) as conn:
            rows = (await conn.execute(_QUERY.order_by(staff_members.c.user_id))).mappings()
            return [_member(dict(row)) for row in rows]

    async def remove(self, user_id: int) -> bool:
        """Remove a staff member; False when there was none."""
        async with self._engine.begin() as conn:
            result = await conn.execute(
                delete(staff_members).where(staff_members.c.user_id == user_id)
            )
            return result.rowcount == 1


def _member(row: dict[str, object]) -> StaffMember:
    return StaffMember(**{**row, "role": Role(str(row["role"]))})  # type: ignore[arg-type]
