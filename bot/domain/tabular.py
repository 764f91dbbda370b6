"""Read a discharge list exported as CSV, XLSX or legacy XLS into header-keyed rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
LEGACY_EXCEL_SUFFIXES = (".xls",)
DELIMITERS = (",", "\t", ";")
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

ZIP_SIGNATURE = b"PK\x03\x04"  # an .xlsx file saved under an .xls name

BAD_ENCODING = "bad_encoding"
UNSUPPORTED_FORMAT = "unsupported_format"
UNREADABLE_FILE = "unreadable_file"
EMPTY_FILE = "empty_file"
DUPLICATE_HEADERS = "duplicate_headers"
MISSING_COLUMNS = "missing_columns"
AMBIGUOUS_COLUMNS = "ambiguous_columns"

_MESSAGES = {
    BAD_ENCODING: (
        "{file}: cannot decode byte {offset} (line {line}); save the file as UTF-8 or GBK"
    ),
    UNSUPPORTED_FORMAT: "{file}: unsupported file type {extension!r}; use .xlsx, .xls or CSV",
    UNREADABLE_FILE: "{file}: the spreadsheet cannot be opened; save it again as .xlsx or CSV",
    EMPTY_FILE: "{file}: no header row found; the file is empty",
    DUPLICATE_HEADERS: "{file}: column headers appear more than once: {headers}",
    MISSING_COLUMNS: "required columns missing: {missing}; columns found: {found}",
    AMBIGUOUS_COLUMNS: "columns {columns} all mean {field}; keep only one of them",
}


class TableError(Exception):
    """A whole file cannot be used; `code` and `params` feed the localized message."""

    def __init__(self, code: str, message: str, **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.params: dict[str, object] = params

    @classmethod
    def of(cls, code: str, **params: object) -> TableError:
        """Build an error whose English text comes from the standard message for `code`."""
        english = {
            k: ", ".join(map(str, v)) if isinstance(v, list) else v for k, v in params.items()
        }
        return cls(code, _MESSAGES[code].format(**english), **params)

    def template_vars(self) -> dict[str, object]:
        """Return the variables for rendering `import/<code>`."""
        return dict(self.params)


@dataclass(frozen=True)
class SourceRow:
    line: int
    values: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[SourceRow]


def read_table(path: Path) -> Table:
    """Read a CSV, XLSX or XLS file into headers and non-empty rows with human line numbers."""
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return _table_from_records(path, _csv_records(path))
    if suffix in XLSX_SUFFIXES or (suffix in LEGACY_EXCEL_SUFFIXES and _is_zip(path)):
        return _table_from_records(path, _xlsx_records(path))
    if suffix in LEGACY_EXCEL_SUFFIXES:
        return _table_from_records(path, _xls_records(path))
    raise TableError.of(UNSUPPORTED_FORMAT, file=path.name, extension=suffix or path.name)


def _is_zip(path: Path) -> bool:
    """Tell whether a file starts like an .xlsx (a zip), whatever its name says."""
    with path.open("rb") as handle:
        return handle.read(len(ZIP_SIGNATURE)) == ZIP_SIGNATURE


def _is_blank(value: object) -> bool:
    """Tell whether a cell holds nothing but whitespace."""
    return value is None or (isinstance(value, str) and not value.strip())


def _table_from_records(path: Path, records: Iterable[tuple[int, Sequence[object]]]) -> Table:
    """Turn (line, cells) records into a Table: first non-empty record is the header."""
    iterator = iter(records)
    header_cells = _first_non_empty(iterator)
    if header_cells is None:
        raise TableError.of(EMPTY_FILE, file=path.name)
    columns = _header_columns(path, header_cells)
    headers = [name for _, name in columns]
    rows: list[SourceRow] = []
    for line, cells in iterator:
        width = len(cells)
        values = {name: (cells[i] if i < width else None) for i, name in columns}
        if not all(_is_blank(v) for v in values.values()):
            rows.append(SourceRow(line, values))
    return Table(headers=headers, rows=rows)


def _first_non_empty(records: Iterator[tuple[int, Sequence[object]]]) -> Sequence[object] | None:
    """Advance past empty records and return the first one that has any content."""
    for _, cells in records:
        if not all(_is_blank(c) for c in cells):
            return cells
    return None


def _header_columns(path: Path, cells: Sequence[object]) -> list[tuple[int, str]]:
    """Return (index, header) for every non-empty header cell; refuse duplicates."""
    columns: list[tuple[int, str]] = []
    seen: set[str] = set()
    duplicates: list[str] = []
    for index, cell in enumerate(cells):
        name = "" if cell is None else str(cell).strip()
        if not name:
            continue
        if name in seen and name not in duplicates:
            duplicates.append(name)
        seen.add(name)
        columns.append((index, name))
    if duplicates:
        raise TableError.of(DUPLICATE_HEADERS, file=path.name, headers=duplicates)
    return columns


def _csv_records(path: Path) -> Iterator[tuple[int, list[str]]]:
    """Yield (start line, cells) for each CSV record, decoding and sniffing first."""
    text = _decode(path, path.read_bytes())
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    previous = 0
    try:
        for cells in reader:
            yield previous + 1, cells
            previous = reader.line_num
    except csv.Error as exc:  # e.g. a cell beyond the csv module's field size limit
        raise TableError.of(UNREADABLE_FILE, file=path.name) from exc


def _decode(path: Path, data: bytes) -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 with BOM, or GBK/GB18030."""
    if data.startswith(UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _encoding_error(path, data, exc.start) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError as gb_error:
            offset = max(utf8_error.start, gb_error.start)
            raise _encoding_error(path, data, offset) from gb_error


def _encoding_error(path: Path, data: bytes, offset: int) -> TableError:
    """Describe where in the file decoding failed."""
    line = data.count(b"\n", 0, offset) + 1
    return TableError.of(BAD_ENCODING, file=path.name, offset=offset, line=line)


def _sniff_delimiter(text: str) -> str:
    """Pick the comma, tab or semicolon that occurs most outside quotes on the header line."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in text.lstrip("\r\n"):
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "\r\n":
            break
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _xlsx_records(path: Path) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """Yield (sheet row number, cell values) from the first worksheet of an XLSX file."""
    from openpyxl import load_workbook  # local import keeps CSV-only use light

    try:  # a file object: openpyxl refuses a path whose name ends in .xls
        workbook = load_workbook(io.BytesIO(path.read_bytes()), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise TableError.of(UNREADABLE_FILE, file=path.name) from exc
    try:
        if not workbook.worksheets:
            raise TableError.of(EMPTY_FILE, file=path.name)
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some exporters write a wrong <dimension>; read all rows
        yield from enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1)
    except TableError:
        raise
    except Exception as exc:  # a damaged sheet fails while its rows are read
        raise TableError.of(UNREADABLE_FILE, file=path.name) from exc
    finally:
        workbook.close()


def _xls_records(path: Path) -> Iterator[tuple[int, list[object]]]:
    """Yield (sheet row number, cell values) from the first worksheet of a legacy XLS file.

    Date cells become datetimes, numbers stay numbers, an error cell (#N/A) keeps its text so
    the row's check names it; empty cells are None.
    """
    import xlrd  # local import keeps CSV-only use light

    try:
        # xlrd prints its complaints on stdout; they go nowhere (the error below says it all)
        book = xlrd.open_workbook(str(path), on_demand=True, logfile=io.StringIO())
    except Exception as exc:  # xlrd raises many types for a damaged or foreign file
        raise TableError.of(UNREADABLE_FILE, file=path.name) from exc
    try:
        if book.nsheets == 0:
            raise TableError.of(EMPTY_FILE, file=path.name)
        sheet = book.sheet_by_index(0)
        for index in range(sheet.nrows):
            cells = [_xls_value(cell, book.datemode) for cell in sheet.row(index)]
            yield index + 1, cells
    except TableError:
        raise
    except Exception as exc:  # a damaged sheet fails while its rows are read
        raise TableError.of(UNREADABLE_FILE, file=path.name) from exc
    finally:
        book.release_resources()


def _xls_value(cell: Any, datemode: int) -> object:
    """Turn one xlrd cell into the value an .xlsx reader would give for it."""
    import xlrd

    kind = cell.ctype
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if kind == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(cell.value, datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return cell.value  # out of any calendar: the date check reports the number
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if kind == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#ERROR")
    return cell.value
