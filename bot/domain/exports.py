"""What an answer export is: its file format (from the file's suffix) and how answers are picked."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path


class ExportFormat(StrEnum):
    """A file format the export writes, named by the suffix that asks for it."""

    CSV = ".csv"
    XLSX = ".xlsx"


class AnswerSelection(StrEnum):
    """Which date puts an answer in the export's period."""

    ANSWERED = "answered"  # the day the answer was given
    DISCHARGED = "discharged"  # the day the patient left hospital


def export_format(path: Path) -> ExportFormat | None:
    """Return the format a file name asks for (case-insensitive), or None if none fits."""
    suffix = path.suffix.lower()
    return next((kind for kind in ExportFormat if kind.value == suffix), None)


def allowed_suffixes() -> list[str]:
    """Return the suffixes the export can write, for messages."""
    return [kind.value for kind in ExportFormat]
