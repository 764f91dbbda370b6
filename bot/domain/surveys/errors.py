"""The error a survey file can raise, and where in the files a value comes from."""

from __future__ import annotations

from dataclasses import dataclass


class SurveyError(Exception):
    """A problem in a survey file, naming the file, the question and the field."""

    def __init__(self, file: str, question: str | None, field: str | None, message: str) -> None:
        self.file = file
        self.question = question
        self.field = field
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [self.file]
        if self.question is not None:
            where.append(f"question {self.question}")
        if self.field is not None:
            where.append(f"field {self.field}")
        return f"{', '.join(where)}: {self.message}"


@dataclass(frozen=True)
class Where:
    """Where in the survey files a value comes from, to build SurveyErrors."""

    file: str
    question: str | None = None

    def error(self, field: str | None, message: str) -> SurveyError:
        """Return a SurveyError at this place."""
        return SurveyError(self.file, self.question, field, message)
