"""The error a plan file can raise, and where in the files a value comes from."""

from __future__ import annotations

from dataclasses import dataclass


class PlanError(Exception):
    """A problem in a plan file, naming the file, the step or rule, and the field."""

    def __init__(
        self,
        file: str,
        step: str | None,
        field: str | None,
        message: str,
        rule: int | None = None,
    ) -> None:
        self.file = file
        self.step = step
        self.field = field
        self.message = message
        self.rule = rule
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [self.file]
        if self.step is not None:
            where.append(f"step {self.step}")
        if self.rule is not None:
            where.append(f"rule {self.rule}")
        if self.field is not None:
            where.append(f"field {self.field}")
        return f"{', '.join(where)}: {self.message}"


@dataclass(frozen=True)
class Where:
    """Where in the plan files a value comes from, to build PlanErrors."""

    file: str
    step: str | None = None
    rule: int | None = None

    def error(self, field: str | None, message: str) -> PlanError:
        """Return a PlanError at this place."""
        return PlanError(self.file, self.step, field, message, rule=self.rule)
