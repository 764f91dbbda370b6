"""The scope of statistics: a period, optionally one department, as SQL conditions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Table

from bot.storage.schema import cases, episodes


@dataclass(frozen=True)
class Scope:
    start: datetime
    end: datetime
    department_id: int | None = None

    def episodes(self) -> list[ColumnElement[bool]]:
        """Episodes discharged in the period (and department)."""
        found = [episodes.c.discharged_at >= self.start, episodes.c.discharged_at < self.end]
        if self.department_id is not None:
            found.append(episodes.c.department_id == self.department_id)
        return found

    def tallies(self, table: Table) -> list[ColumnElement[bool]]:
        """Tally rows whose discharge hour falls in the period (and department)."""
        found = [table.c.hour >= self.start, table.c.hour < self.end]
        if self.department_id is not None:
            found.append(table.c.department_id == self.department_id)
        return found

    def cases(self) -> list[ColumnElement[bool]]:
        """Cases raised in the period (and department)."""
        found = [cases.c.created_at >= self.start, cases.c.created_at < self.end]
        if self.department_id is not None:
            found.append(episodes.c.department_id == self.department_id)
        return found
