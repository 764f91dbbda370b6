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
import csv
import io
import re
import shutil
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, currently_in_test_context, event, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from bot.domain.discharge.cells import CONSENT_WORDS, SEX_WORDS
from bot.domain.discharge.dates import EXCEL_EPOCH
from bot.domain.discharge.headers import (
    ALIAS_INDEX,
    FIELD_ALIASES,
    REQUIRED_FIELDS,
    display_name,
    header_key,
)
from bot.domain.discharge.model import ParsedList, error_template_key
from bot.domain.discharge.reader import parse_discharge_table
from bot.domain.tabular import (
    AMBIGUOUS_COLUMNS,
    DUPLICATE_HEADERS,
    EMPTY_FILE,
    MISSING_COLUMNS,
    UNREADABLE_FILE,
    SourceRow,
    Table,
    TableError,
)
from bot.services.importing import ImportReport, import_discharge_list
from bot.storage import migrate
from bot.storage.audit import Actor
from bot.storage.store import Store
from bot.templating import LOCALES, Renderer

ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=1)
SLOW_OK = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
RENDERER = Renderer()
ROW_ERROR_TEXT = re.compile(r"^line (\d+), column (.+?): ")
ENCODINGS = ("utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16")
FULL_WIDTH = str.maketrans("0123456789-/.:", "０１２３４５６７８９－／．：")
CJK = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡小明华丽"
FORMULAS = (
    "=1+1",
    '=HYPERLINK("http://example.com/x","点击")',
    "=cmd|' /C calc'!A0",
    "+1",
    "-1+2",
    "@SUM(A1:A2)",
)
TRICKY_TEXT = (*FORMULAS, "<b>粗</b>", "a & b", '"引号"', "逗号,分号;制表\t符", "多\n行", "😀")
DEPARTMENTS = ("心内科", "呼吸科", "普外科", "妇科", "Cardiology")
FLAGS = ("", "纠纷", "欠费", "清理出院", "死亡", "VIP")
HUGE = ("长" * 2001, "x" * 100_000)
UNKNOWN_HEADERS = ("备用", "extra", "Ｘ列", "=1+1", "<b>", "说明 2")


# ---------------------------------------------------------------------------- the model


@dataclass(frozen=True)
class Moment:
    """A local wall-clock time; `timed` says whether the cell carries the time."""

    local: datetime
    timed: bool

    @property
    def utc(self) -> datetime:
        return self.local.replace(tzinfo=ZONE).astimezone(UTC)


@dataclass(frozen=True)
class Patient:
    """One valid row of a discharge list, as values before rendering."""

    number: int
    numeric: bool
    name: str
    department: str
    discharged: Moment
    consent: bool
    admitted: Moment | None = None
    sex: str | None = None
    age: int | None = None
    phone: str | None = None
    notes: str | None = None
    flags: str | None = None

    @property
    def hospital_no(self) -> str:
        return str(100000 + self.number) if self.numeric else f"ZY{self.number}"


@dataclass(frozen=True)
class Fault:
    """A broken cell in a row: which field and what is written there instead."""

    field: str
    value: object


@dataclass(frozen=True)
class Line:
    """A row as written: the patient, a fault or none, and how it is rendered."""

    patient: Patient
    fault: Fault | None
    style: int  # seeds the choice among equivalent written forms
    blank_before: int = 0
    trailing: tuple[str, ...] = ()


@dataclass
class ListFile:
    """A generated discharge list: its columns, lines and the way it is stored."""

    columns: list[tuple[str, str | None]]  # (header as written, field or None for unknown)
    lines: list[Line]
    encoding: str = "utf-8"
    delimiter: str = ","
    terminator: str = "\n"
    header_fault: str | None = None
    written_lines: list[int] = field(default_factory=list)


def _moment(day: date, minute: int, timed: bool) -> Moment:
    return Moment(datetime.combine(day, time(0)) + timedelta(minutes=minute * timed), timed)


# Local times from whole days to minutes, after Shanghai's last summer time (1991).
MOMENTS = st.builds(
    _moment, st.dates(date(1995, 1, 1), date(2099, 12, 31)), st.integers(0, 1439), st.booleans()
)
NAMES = st.text(CJK + "abcXYZ ·Ａ", min_size=1, max_size=6).filter(str.strip).map(str.strip)
STAYS = st.none() | st.tuples(st.integers(1, 90), st.integers(0, 600), st.booleans())


def _patient(number: int, numeric: bool, discharged: Moment, **values: Any) -> Patient:
    stay = values.pop("stay")
    admitted = None
    if stay is not None:
        days, minutes, timed = stay
        back = discharged.local - timedelta(days=days, minutes=minutes * timed)
        admitted = Moment(back if timed else datetime.combine(back.date(), time(0)), timed)
    return Patient(number, numeric, discharged=discharged, admitted=admitted, **values)


def patients(number: int) -> st.SearchStrategy[Patient]:
    return st.builds(
        _patient,
        st.just(number),
        st.booleans(),
        MOMENTS,
        stay=STAYS,
        name=NAMES,
        department=st.sampled_from(DEPARTMENTS),
        consent=st.booleans(),
        sex=st.none() | st.sampled_from(("M", "F")),
        age=st.none() | st.integers(0, 150),
        phone=st.none() | st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
        notes=st.none() | st.sampled_from(TRICKY_TEXT) | NAMES,
        flags=st.sampled_from(FLAGS),
    )


BAD_VALUES: dict[str, tuple[object, ...]] = {
    "discharged_at": (
        "2026-13-01",
        "2026-02-30",
        "20261340",
        "yesterday",
        "=TODAY()",
        "=1+1",
        "1899-01-01",
        "2101-01-01",
        "0",
        "99999999999",
        "2026-11-22T25:00",
        "2026-11-22 08:30+25:00",
        "",
        *HUGE,
    ),
    "consent": ("maybe", "=TRUE()", "是的", "2", "", "<b>是</b>"),
    "name": ("", "   ", *HUGE),
    "hospital_no": ("", "\u200b" * 3000),
    "department": ("",),
    "phone": ("123", '=HYPERLINK("tel:1","x")', "1" * 16, "１３８"),
    "age": ("151", "-1", "abc", "=1+1", "1e3"),
    "sex": ("x", "unknown", "=A1"),
    "admitted_at": ("after",),  # admitted two days after the discharge
}
FAULTS = st.one_of(
    [st.builds(Fault, st.just(name), st.sampled_from(bad)) for name, bad in BAD_VALUES.items()]
)
SOMETIMES_FAULTY = st.integers(0, 7).flatmap(lambda n: FAULTS if n == 0 else st.none())
COPIES = st.lists(
    st.tuples(
        st.integers(0, 1_000_000),
        st.integers(0, 2),
        st.lists(st.sampled_from(TRICKY_TEXT), max_size=2).map(tuple),
    ),
    min_size=1,
    max_size=3,
)
PATIENTS = {number: patients(number) for number in range(1, 7)}
PEOPLE = st.lists(st.sampled_from(sorted(PATIENTS)).flatmap(PATIENTS.__getitem__), max_size=8)


@st.composite
def list_files(draw: st.DrawFn, *, allow_faults: bool = True) -> ListFile:
    people = {(p.hospital_no, p.discharged.utc): p for p in draw(PEOPLE)}.values()
    lines: list[Line] = []
    for person in people:
        fault = draw(SOMETIMES_FAULTY) if allow_faults else None
        # exact duplicates, written differently
        lines += [Line(person, fault, *copy) for copy in draw(COPIES)]
    columns, header_fault = draw(COLUMNS)
    return ListFile(
        columns=columns,
        lines=draw(st.permutations(lines)),
        encoding=draw(st.sampled_from(ENCODINGS)),
        delimiter=draw(st.sampled_from((",", "\t", ";"))),
        terminator=draw(st.sampled_from(("\n", "\r\n"))),
        header_fault=header_fault if allow_faults else None,
    )


OPTIONAL_COLUMNS = ("admitted_at", "sex", "age", "phone", "notes", "flags")


@st.composite
def _columns(draw: st.DrawFn) -> tuple[list[tuple[str, str | None]], str | None]:
    """Headers in any alias and spelling, shuffled, with unknown and blank columns."""
    fields = [*REQUIRED_FIELDS, *draw(st.lists(st.sampled_from(OPTIONAL_COLUMNS), unique=True))]
    columns: list[tuple[str, str | None]] = [(draw(HEADERS[name]), name) for name in fields]
    for unknown in draw(st.lists(st.sampled_from(UNKNOWN_HEADERS), unique=True, max_size=2)):
        columns.append((unknown, None))
    if draw(st.booleans()):
        columns.append(("", None))  # a column without a header is ignored
    fault = draw(HEADER_FAULTS)
    if fault == MISSING_COLUMNS:
        gone = draw(st.sampled_from(REQUIRED_FIELDS))
        columns = [c for c in columns if c[1] != gone]
    elif fault == AMBIGUOUS_COLUMNS:
        name = draw(st.sampled_from(REQUIRED_FIELDS))
        written = next(h for h, f in columns if f == name)
        others = [a for a in (name, *FIELD_ALIASES[name]) if header_key(a) != header_key(written)]
        columns.append((draw(st.sampled_from(others)), name))
    elif fault == DUPLICATE_HEADERS:
        columns.append(draw(st.sampled_from([c for c in columns if c[0]])))
    return draw(st.permutations(columns)), fault


HEADER_FAULTS = st.sampled_from(
    (None,) * 9 + (MISSING_COLUMNS, AMBIGUOUS_COLUMNS, DUPLICATE_HEADERS)
)


@st.composite
def _header(draw: st.DrawFn, name: str) -> str:
    """A header for a field: any alias, in any case, full-width, with decorations."""
    text = draw(st.sampled_from((name, *FIELD_ALIASES[name])))
    style = draw(st.integers(0, 4))
    if style == 1:
        text = text.upper()
    elif style == 2:
        text = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)
    elif style == 3:
        text = f"*{text} "
    elif style == 4 and len(text) > 1:
        text = f"{text[0]} {text[1:]}"
    assert ALIAS_INDEX[header_key(text)] == name
    return text


HEADERS = {name: _header(name) for name in FIELD_ALIASES}
COLUMNS = _columns()


# ---------------------------------------------------------------------------- rendering


def written_moment(moment: Moment, style: int) -> str:
    """One of the documented written forms of a moment (all read as the same instant)."""
    at = moment.local
    y, m, d, hh, mm = at.year, at.month, at.day, at.hour, at.minute
    if moment.timed:
        forms = [
            f"{at:%Y-%m-%d %H:%M}",
            f"{at:%Y/%m/%d %H:%M:%S}",
            f"{at:%Y-%m-%dT%H:%M:%S}.000",
            f"{at:%Y%m%d %H:%M}",
            f"{y}年{m}月{d}日 {hh}时{mm}分",
            f"{y}年{m}月{d}日{hh}:{mm:02d}",
            f"{at:%Y-%m-%dT%H:%M}+08:00",
            f"{at:%Y-%m-%dT%H:%M:%S}+0800",
            f"{moment.utc:%Y-%m-%dT%H:%M:%S}Z",
            f"{serial(at):.10f}",
        ]
        if mm == 0:
            forms.append(f"{y}年{m}月{d}日 {hh}点")
    else:
        forms = [
            f"{at:%Y-%m-%d}",
            f"{y}-{m}-{d}",
            f"{at:%Y/%m/%d}",
            f"{at:%Y.%m.%d}",
            f"{at:%Y%m%d}",
            f"{y}年{m}月{d}日",
            f"{y}年{m:02d}月{d:02d}号",
            str(int(serial(at))),
        ]
    text = forms[style % len(forms)]
    return text.translate(FULL_WIDTH) if style % 3 == 0 else text


def serial(at: datetime) -> float:
    """The Excel serial day number of a local time."""
    return (at - EXCEL_EPOCH).total_seconds() / 86400


def cell_text(line: Line, name: str) -> object:
    """The written value of one cell of a line (the fault's value where it lies)."""
    person, style = line.patient, line.style
    if line.fault is not None and line.fault.field == name:
        if name == "admitted_at":
            return written_moment(replace(person.discharged, local=_two_days_after(person)), 0)
        return line.fault.value
    consent_words = [w for w, v in CONSENT_WORDS.items() if v is person.consent]
    sex_words = [w for w, v in SEX_WORDS.items() if v == person.sex]
    values: dict[str, Any] = {
        "hospital_no": person.hospital_no.translate(FULL_WIDTH)
        if style % 2
        else person.hospital_no,
        "name": person.name,
        "department": person.department,
        "discharged_at": written_moment(person.discharged, style),
        "consent": _case(consent_words[style % len(consent_words)], style),
        "admitted_at": written_moment(person.admitted, style // 7) if person.admitted else None,
        "sex": _case(sex_words[style % len(sex_words)], style) if sex_words else None,
        "age": _age(person.age, style),
        "phone": person.phone,
        "notes": person.notes,
        "flags": person.flags,
    }
    return values[name]


def _two_days_after(person: Patient) -> datetime:
    return person.discharged.local + timedelta(days=2)


def _case(word: str, style: int) -> str:
    return word.upper() if style % 5 == 0 else f" {word} " if style % 5 == 1 else word


def _age(age: int | None, style: int) -> str | None:
    if age is None:
        return None
    return (f"{age}", f"{age}岁", f"{age}.0", f"{age}".translate(FULL_WIDTH))[style % 4]


def csv_bytes(listed: ListFile) -> bytes:
    """Write the list as CSV text in its encoding; record each data row's first line."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=listed.delimiter, lineterminator=listed.terminator)
    writer.writerow([header for header, _ in listed.columns])
    listed.written_lines = []
    for line in listed.lines:
        for _ in range(line.blank_before):
            out.write(listed.delimiter * len(listed.columns) + listed.terminator)
        listed.written_lines.append(out.getvalue().count("\n") + 1)
        cells = [_csv_cell(line, name) for _, name in listed.columns]
        writer.writerow([*cells, *line.trailing])
    return out.getvalue().encode(listed.encoding)


def _csv_cell(line: Line, name: str | None) -> str:
    value = cell_text(line, name) if name else (line.trailing or ("junk",))[0]
    return "" if value is None else str(value)


def xlsx_bytes(listed: ListFile) -> bytes:
    """Write the list as XLSX with native numbers and dates where Excel would have them."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for column, (header, _) in enumerate(listed.columns, start=1):
        sheet.cell(row=1, column=column, value=header or None)
    row = 1
    listed.written_lines = []
    for line in listed.lines:
        row += 1 + line.blank_before
        listed.written_lines.append(row)
        for column, (_, name) in enumerate(listed.columns, start=1):
            _xlsx_cell(sheet.cell(row=row, column=column), line, name)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(cell: Any, line: Line, name: str | None) -> None:
    """Put a native value in a cell; text that looks like a formula stays text (Excel's ')."""
    value = _xlsx_value(line, name)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.value = value
        if name is not None:
            cell.data_type = "s"  # a real formula in a data column would read as empty
        return
    cell.value = value


def _xlsx_value(line: Line, name: str | None) -> object:
    person, style = line.patient, line.style
    if name is None:
        return line.trailing[0] if line.trailing else "=1+1"  # a real formula, unread
    faulty = line.fault is not None and line.fault.field == name
    if name == "hospital_no" and person.numeric and not faulty:
        number = 100000 + person.number
        return (number, float(number), str(number))[style % 3]
    if name == "discharged_at" and not faulty:
        return _native_moment(person.discharged, style)
    if name == "admitted_at" and person.admitted and not faulty:
        return _native_moment(person.admitted, style // 7)
    if name == "age" and person.age is not None and not faulty and style % 2:
        return person.age
    return cell_text(line, name)


def _native_moment(moment: Moment, style: int) -> object:
    choice = style % 4
    if choice == 0:
        return moment.local
    if choice == 1:
        return moment.local.date() if not moment.timed else moment.local
    if choice == 2:
        days = serial(moment.local)
        return days if moment.timed else int(days)
    return written_moment(moment, style)


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


def dump(path: Path, *, skip: tuple[str, ...] = ()) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in order (tables in `skip` left out)."""
    with sqlite3.connect(path) as conn:
        names = [
            name
            for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if name not in skip
        ]
        return {n: conn.execute(f'SELECT * FROM "{n}" ORDER BY rowid').fetchall() for n in names}


def check_consistent(path: Path) -> None:
    """SQLite finds no damage and no dangling foreign key."""
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


@dataclass
class Outcome:
    """What one import did: the error that stopped it, or its report."""

    table_error: TableError | None = None
    report: ImportReport | None = None
    reimport: ImportReport | None = None
    episodes: int = 0
    patients: int = 0

    @property
    def label(self) -> str:
        if self.table_error is not None:
            return f"refused: {self.table_error.code}"
        return "rows reported" if self.report and self.report.parsed.errors else "imported"


def run_import(empty_db: Path, name: str, content: bytes) -> Outcome:
    """Import a file into a fresh copy of the empty database and check the invariants."""
    with tempfile.TemporaryDirectory() as folder:
        db, path = Path(folder) / "followup.db", Path(folder) / name
        shutil.copy(empty_db, db)
        path.write_bytes(content)
        outcome = asyncio.run(_import_checked(db, path))
    if currently_in_test_context():  # counted in --hypothesis-show-statistics
        event(outcome.label)
    return outcome


async def _import_checked(db: Path, path: Path) -> Outcome:
    store = Store.open(f"sqlite+aiosqlite:///{db}")
    try:
        before = dump(db)
        try:
            report = await import_discharge_list(store, path, ZONE, NOW, actor=Actor.cli())
        except TableError as error:
            assert dump(db) == before, "a refused file changed the database"
            check_table_error(error)
            return Outcome(table_error=error)
        check_row_errors(report.parsed)
        if report.parsed.errors:
            assert report.counts is None
            assert dump(db) == before, "a list with a bad row changed the database"
            return Outcome(report=report)
        assert report.counts is not None
        assert report.counts.imported == len(report.parsed.records)
        assert report.counts.updated == report.counts.unchanged == 0
        check_consistent(db)
        after = dump(db, skip=("audit_events",))
        again = await import_discharge_list(store, path, ZONE, LATER, actor=Actor.cli())
        assert again.counts is not None
        assert (again.counts.imported, again.counts.updated) == (0, 0)
        assert again.counts.unchanged == len(report.parsed.records)
        assert dump(db, skip=("audit_events",)) == after, "re-importing changed the database"
        stored = dump(db)
        return Outcome(None, report, again, len(stored["episodes"]), len(stored["patients"]))
    finally:
        await store.close()


def check_table_error(error: TableError) -> None:
    """A refused file gets a message an admin can act on, in every language."""
    assert str(error).strip()
    for locale in LOCALES:
        assert RENDERER.render(error_template_key(error.code), locale, **error.template_vars())


def check_row_errors(parsed: ParsedList) -> None:
    """Every row error names its line and column, in English and in every language."""
    for error in parsed.errors:
        match = ROW_ERROR_TEXT.match(str(error))
        assert match is not None, str(error)
        assert int(match[1]) == error.line >= 2
        assert match[2] == error.column and error.column.strip()
        assert len(error.value) <= 40
        for locale in LOCALES:
            text = RENDERER.render(error_template_key(error.code), locale, **error.template_vars())
            assert str(error.line) in text and error.column in text


# ---------------------------------------------------------------------------- the oracle


def expect(listed: ListFile, outcome: Outcome) -> None:
    """Compare what the importer did with what the model says it must do."""
    if listed.header_fault is not None:
        assert outcome.table_error is not None
        assert outcome.table_error.code == listed.header_fault
        return
    assert outcome.table_error is None, str(outcome.table_error)
    assert outcome.report is not None
    fields = {name for _, name in listed.columns}
    bad = {
        (written, _fault_column(listed, line.fault))
        for written, line in zip(listed.written_lines, listed.lines, strict=True)
        if line.fault is not None and line.fault.field in fields  # else it is not in the file
    }
    found = {(e.line, e.column) for e in outcome.report.parsed.errors}
    assert found == bad
    if bad:
        return
    distinct = {(line.patient.hospital_no, line.patient.discharged.utc) for line in listed.lines}
    assert outcome.report.parsed.duplicates == len(listed.lines) - len(distinct)
    assert outcome.report.counts is not None
    assert outcome.report.counts.imported == outcome.episodes == len(distinct)
    assert outcome.patients == len({number for number, _ in distinct})


def _fault_column(listed: ListFile, fault: Fault) -> str:
    return next(header.strip() for header, name in listed.columns if name == fault.field)


def encodable(listed: ListFile) -> ListFile:
    """Fall back to GB18030 when GBK cannot hold a character (e.g. an emoji)."""
    if listed.encoding != "gbk":
        return listed
    try:
        csv_bytes(listed)
    except UnicodeEncodeError:
        listed.encoding = "gb18030"
    return listed


def read_back(content: bytes, encoding: str) -> bool:
    """Say whether the importer reads the bytes in the encoding they were written in."""
    if encoding in ("gbk", "gb18030"):
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            return True
        return content.isascii()
    return True


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
    kind = draw(st.sampled_from(("random", "bom", "mangled_csv", "mangled_xlsx")))
    if kind == "random":
        suffix = draw(st.sampled_from((".csv", ".xlsx", ".tsv", ".txt")))
        return "r" + suffix, draw(st.binary(max_size=600))
    listed = draw(list_files(allow_faults=False))
    listed.encoding = draw(st.sampled_from(("utf-8", "gb18030", "utf-16-le", "utf-16")))
    if kind == "bom":
        return "b.csv", draw(st.sampled_from(BOMS)) + csv_bytes(listed)
    if kind == "mangled_csv":
        return "m.csv", _mangled(draw, csv_bytes(listed))
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
    for make, name in ((csv_bytes, "l.csv"), (xlsx_bytes, "l.xlsx")):
        listed = ListFile(columns, lines)
        outcome = run_import(empty_db, name, make(listed))
        expect(listed, outcome)
        assert outcome.episodes == 1
