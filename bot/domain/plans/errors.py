"""The error a plan file can raise, and where in the files a value comes from."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.data_files import DataFileError


class PlanError(DataFileError):
    """A problem in a plan file, naming the file, the step or rule, and the field."""

    def __init__(
        self,
        file: str,
        step: str | None,
        field: str | None,
        message: str,
        rule: int | None = None,
    ) -> None:
        self.step, self.rule = step, rule
        super().__init__(file, (("step", step), ("rule", rule)), field, message)


@dataclass(frozen=True)
class Where:
    """Where in the plan files a value comes from, to build PlanErrors."""

    file: str
    step: str | None = None
    rule: int | None = None

    def error(self, field: str | None, message: str) -> PlanError:
        """Return a PlanError at this place."""
        return PlanError(self.file, self.step, field, message, rule=self.rule)
