"""The error a survey file can raise, and where in the files a value comes from."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.data_files import DataFileError


class SurveyError(DataFileError):
    """A problem in a survey file, naming the file, the question and the field."""

    def __init__(self, file: str, question: str | None, field: str | None, message: str) -> None:
        self.question = question
        super().__init__(file, (("question", question),), field, message)


@dataclass(frozen=True)
class Where:
    """Where in the survey files a value comes from, to build SurveyErrors."""

    file: str
    question: str | None = None

    def error(self, field: str | None, message: str) -> SurveyError:
        """Return a SurveyError at this place."""
        return SurveyError(self.file, self.question, field, message)
