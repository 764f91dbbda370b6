"""Shared by the discharge-list tests: write a small list, parse it, look at its records."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.domain.discharge.model import DischargeRecord, ParsedList
from bot.domain.discharge.reader import parse_discharge_table
from bot.domain.tabular import read_table

SHANGHAI = ZoneInfo("Asia/Shanghai")
REQUIRED_HEADER = "住院号,姓名,科室,出院时间,是否同意回访"


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, sec: int = 0) -> datetime:
    """Build a UTC datetime."""
    return datetime(year, month, day, hour, minute, sec, tzinfo=UTC)


def write(tmp_path: Path, text: str, name: str = "list.csv", encoding: str = "utf-8") -> Path:
    """Write text to a file in tmp_path and return its path."""
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def parse_text(tmp_path: Path, text: str, tz: ZoneInfo = SHANGHAI) -> ParsedList:
    """Write a UTF-8 CSV and parse it."""
    return parse_discharge_table(read_table(write(tmp_path, text)), tz)


def parse_rows(tmp_path: Path, *rows: str, header: str = REQUIRED_HEADER) -> ParsedList:
    """Parse a CSV made of a header and rows."""
    return parse_text(tmp_path, "\n".join([header, *rows]) + "\n")


def only_record(parsed: ParsedList) -> DischargeRecord:
    """Return the single record of an error-free list."""
    assert parsed.errors == []
    assert len(parsed.records) == 1
    return parsed.records[0]


def error_triples(parsed: ParsedList) -> list[tuple[int, str, str]]:
    """Return (line, column, code) for each error."""
    return [(e.line, e.column, e.code) for e in parsed.errors]


def minimal(discharged: str = "2026-11-18 10:30", consent: str = "是", no: str = "ZY1") -> str:
    """Build a row for REQUIRED_HEADER."""
    return f"{no},王建国,心内科,{discharged},{consent}"
