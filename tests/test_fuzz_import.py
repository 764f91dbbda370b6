"""Fuzzing the discharge-list importer: every file ends in a clear error or a clean import.

Generated lists (CSV in five encodings, or XLSX) come from a model of valid rows rendered in
every documented form, with duplicates, empty rows, extra and renamed columns, formulas,
huge cells and mixed-width digits; some rows or headers are broken on purpose. The model
says which errors must be reported (line and column) or how many rows must be stored.
Random and damaged bytes only have to end in a TableError or a report.

Properties: only TableError or row errors with their line and column; any error leaves the
database exactly as it was; an accepted list stores its distinct rows; importing it again
changes nothing.
"""

from __future__ import annotations

import asyncio
import io
import sqlite3
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from bot.domain.discharge.headers import FIELD_ALIASES, REQUIRED_FIELDS, display_name
from bot.domain.discharge.reader import parse_discharge_table
from bot.domain.tabular import EMPTY_FILE, UNREADABLE_FILE, SourceRow, Table
from bot.storage import migrate
from bot.storage.store import Store
from tests.import_fuzzing.checks import check_row_errors, encodable, expect, read_back, run_import
from tests.import_fuzzing.model import (
    BAD_VALUES,
    TRICKY_TEXT,
    ZONE,
    Line,
    ListFile,
    Moment,
    Patient,
    list_files,
)
from tests.import_fuzzing.writing import csv_bytes, xls_bytes, xlsx_bytes

SLOW_OK = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


# ---------------------------------------------------------------------------- the database


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, empty database file to copy for each example."""
    path = tmp_path_factory.mktemp("fuzz-import") / "empty.db"

    async def make() -> None:
        store = Store.open(f"sqlite+aiosqlite:///{path}")
        await migrate.upgrade(store.engine)
        await store.close()

    asyncio.run(make())
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


# ---------------------------------------------------------------------------- the tests


@settings(max_examples=40, deadline=None, suppress_health_check=SLOW_OK)
@given(listed=list_files())
def test_csv_lists_end_in_clear_errors_or_clean_imports(empty_db: Path, listed: ListFile) -> None:
    listed = encodable(listed)
    content = csv_bytes(listed)
    outcome = run_import(empty_db, "list.csv", content)
    if read_back(content, listed.encoding):
        expect(listed, outcome)


@settings(max_examples=15, deadline=None, suppress_health_check=SLOW_OK)
@given(listed=list_files())
def test_xlsx_lists_end_in_clear_errors_or_clean_imports(empty_db: Path, listed: ListFile) -> None:
    outcome = run_import(empty_db, "list.xlsx", xlsx_bytes(listed))
    expect(listed, outcome)


@settings(max_examples=10, deadline=None, suppress_health_check=SLOW_OK)
@given(listed=list_files())
def test_xls_lists_end_in_clear_errors_or_clean_imports(empty_db: Path, listed: ListFile) -> None:
    outcome = run_import(empty_db, "list.xls", xls_bytes(listed))
    expect(listed, outcome)


def _mangled(draw: st.DrawFn, content: bytes) -> bytes:
    """Flip, insert, delete or cut bytes of a file."""
    data = bytearray(content)
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        at = draw(st.integers(0, 2**16)) % len(data)  # an XLSX's size varies with its time
        action = draw(st.sampled_from(("flip", "insert", "delete", "cut")))
        if action == "flip":
            data[at] ^= draw(st.integers(1, 255))
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif action == "delete":
            del data[at]
        else:
            del data[at:]
    return bytes(data)


BOMS = (b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


@st.composite
def damaged_files(draw: st.DrawFn) -> tuple[str, bytes]:
    """Random bytes, a list in one encoding under another's BOM, or a mangled list."""
    kind = draw(st.sampled_from(("random", "bom", "mangled_csv", "mangled_xlsx", "mangled_xls")))
    if kind == "random":
        suffix = draw(st.sampled_from((".csv", ".xlsx", ".xls", ".tsv", ".txt")))
        return "r" + suffix, draw(st.binary(max_size=600))
    listed = draw(list_files(allow_faults=False))
    listed.encoding = draw(st.sampled_from(("utf-8", "gb18030", "utf-16-le", "utf-16")))
    if kind == "bom":
        return "b.csv", draw(st.sampled_from(BOMS)) + csv_bytes(listed)
    if kind == "mangled_csv":
        return "m.csv", _mangled(draw, csv_bytes(listed))
    if kind == "mangled_xls":
        return "m.xls", _mangled(draw, xls_bytes(listed))
    return "m.xlsx", _mangled(draw, xlsx_bytes(listed))


@settings(max_examples=40, deadline=None, suppress_health_check=SLOW_OK)
@given(damaged=damaged_files())
@example(damaged=("nul.csv", b"\xe4\xbd\x8f\xe9\x99\xa2\xe5\x8f\xb7\x00,\n\x00\x00\n"))
@example(damaged=("bom.csv", b"\xff\xfe\x00"))
@example(damaged=("short.csv", "住院号,姓名,科室,出院时间,同意回访\nZY1,张三\n".encode()))
def test_damaged_files_end_in_clear_errors(empty_db: Path, damaged: tuple[str, bytes]) -> None:
    outcome = run_import(empty_db, *damaged)
    assert (outcome.table_error is None) != (outcome.report is None)


# Whatever openpyxl or the csv module can hand over as a cell value.
CELLS = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.sampled_from((*TRICKY_TEXT, *(v for bad in BAD_VALUES.values() for v in bad))),
    st.integers(-(10**20), 10**20),
    st.sampled_from((10**400, -(10**400), 2**63, 46346, 46346.5, 60, 73051)),
    st.floats(),
    st.booleans(),
    st.datetimes(),
    st.dates(),
    st.times(),
    st.timedeltas(),
)
ALL_HEADERS = [display_name(name) for name in FIELD_ALIASES]


ROWS = st.lists(st.lists(CELLS, min_size=len(ALL_HEADERS), max_size=len(ALL_HEADERS)), max_size=6)


@settings(max_examples=100, deadline=None, suppress_health_check=SLOW_OK)
@given(rows=ROWS)
def test_any_cell_value_is_read_or_reported(rows: list[list[object]]) -> None:
    lines = [SourceRow(n, dict(zip(ALL_HEADERS, r, strict=True))) for n, r in enumerate(rows, 2)]
    parsed = parse_discharge_table(Table(ALL_HEADERS, lines), ZONE)
    check_row_errors(parsed)
    refused = {e.line for e in parsed.errors}
    assert len(parsed.records) + parsed.duplicates + len(refused) == len(rows)


def test_huge_numbers_in_xlsx_date_cells_are_bad_dates(empty_db: Path) -> None:
    """Regression: an integer too big for a float in a date cell crashed the import."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["住院号", "姓名", "科室", "出院时间", "同意回访", "年龄"])
    sheet.append(["ZY1", "张三", "心内科", 424242, "是", 434343])
    written = io.BytesIO()
    workbook.save(written)
    content = io.BytesIO()
    with zipfile.ZipFile(written) as source, zipfile.ZipFile(content, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":  # numbers openpyxl cannot write
                data = data.replace(b"424242", b"1" * 400).replace(b"434343", b"1e400")
            target.writestr(item, data)
    outcome = run_import(empty_db, "huge.xlsx", content.getvalue())
    assert outcome.report is not None
    assert [(e.line, e.column, e.code) for e in outcome.report.parsed.errors] == [
        (2, "出院时间", "bad_date"),
        (2, "年龄", "bad_age"),
    ]


HEADER = "住院号,姓名,科室,出院时间,是否同意回访,备注\n"


@pytest.mark.parametrize(
    ("size", "code"), [(100_000, None), (140_000, UNREADABLE_FILE), (0, EMPTY_FILE)]
)
def test_huge_cells_are_refused_without_writing(
    empty_db: Path, size: int, code: str | None
) -> None:
    body = HEADER + f"ZY1,张三,心内科,2026-11-20,是,{'备' * size}\n" if size else ""
    outcome = run_import(empty_db, "huge.csv", body.encode("utf-8"))
    if code is not None:
        assert outcome.table_error is not None and outcome.table_error.code == code
        return
    assert outcome.report is not None
    assert [(e.line, e.column, e.code) for e in outcome.report.parsed.errors] == [
        (2, "备注", "too_long")
    ]


def test_the_model_round_trips_through_both_formats(empty_db: Path) -> None:
    """The generators themselves: a clean list written either way imports every row."""
    person = Patient(3, True, "王小明", "心内科", Moment(datetime(2026, 11, 20, 8, 30), True), True)
    lines = [Line(person, None, style) for style in range(12)]
    columns: list[tuple[str, str | None]] = [(n, n) for n in REQUIRED_FIELDS]
    for make, name in ((csv_bytes, "l.csv"), (xlsx_bytes, "l.xlsx"), (xls_bytes, "l.xls")):
        listed = ListFile(columns, lines)
        outcome = run_import(empty_db, name, make(listed))
        expect(listed, outcome)
        assert outcome.episodes == 1
