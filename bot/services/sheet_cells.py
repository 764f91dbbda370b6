"""Values as spreadsheet cells: text always stays text, whoever typed it."""

from __future__ import annotations

from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE


def text_safe_cell(sheet: Any, value: object) -> object:
    """Return a value for a write-only sheet's row: text without the control characters XML
    forbids, and as a string cell even when it starts with "=" (typed text never runs as a
    formula); other values as they are."""
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"
    return cell
