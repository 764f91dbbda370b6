"""Import a file into a copy of an empty database, check its invariants and the model's oracle."""

from __future__ import annotations

import asyncio
import re
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import currently_in_test_context, event

from bot.domain.discharge.model import ParsedList, error_template_key
from bot.domain.tabular import TableError
from bot.services.importing import ImportReport, import_discharge_list
from bot.storage.audit import Actor
from bot.storage.store import Store
from bot.templating import LOCALES, Renderer
from tests.import_fuzzing.model import ZONE, Fault, ListFile
from tests.import_fuzzing.writing import csv_bytes

NOW = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=1)
RENDERER = Renderer()
ROW_ERROR_TEXT = re.compile(r"^line (\d+), column (.+?): ")


# ---------------------------------------------------------------------------- the database


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
