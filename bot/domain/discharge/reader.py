"""Validate discharge-list rows into follow-up records, collecting every row error."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from bot.domain.discharge.cells import (
    Invalid,
    as_age,
    as_consent,
    as_language,
    as_phone,
    as_preferred_channel,
    as_sex,
    as_text,
)
from bot.domain.discharge.dates import DateReader, Moment
from bot.domain.discharge.exclusions import exclusion_reason
from bot.domain.discharge.headers import REQUIRED_FIELDS, map_headers
from bot.domain.discharge.model import (
    ADMITTED_AFTER_DISCHARGE,
    DUPLICATE_ROW,
    REQUIRED,
    DischargeRecord,
    ParsedList,
    RowError,
)
from bot.domain.tabular import SourceRow, Table

_T = TypeVar("_T")

_OPTIONAL_TEXT = ("ward", "attending_doctor", "nurse", "diagnosis", "plan", "medications", "notes")
MAX_VALUE_SHOWN = 40


def parse_discharge_table(table: Table, tz: ZoneInfo) -> ParsedList:
    """Validate every row of a discharge list; naive times are local to `tz`."""
    columns, unknown = map_headers(table.headers)
    records: list[DischargeRecord] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, datetime], DischargeRecord] = {}
    duplicates = 0
    dates = DateReader(tz)
    for row in table.rows:
        reader = _RowReader(row, columns, dates)
        record = reader.record()
        errors.extend(reader.errors)
        if record is None:
            continue
        key = (record.hospital_no, record.discharged_at)
        first = seen.get(key)
        if first is None:
            seen[key] = record
            records.append(record)
        elif replace(first, line=0) == replace(record, line=0):
            duplicates += 1
        else:
            errors.append(_duplicate_error(record, first, columns["hospital_no"]))
    position = {header: index for index, header in enumerate(table.headers)}
    errors.sort(key=lambda e: (e.line, position.get(e.column, 0)))
    return ParsedList(records, errors, unknown, len(table.rows), duplicates)


def _duplicate_error(record: DischargeRecord, first: DischargeRecord, column: str) -> RowError:
    """Build the error for a row that repeats an earlier patient/discharge with other data."""
    return RowError(
        line=record.line,
        column=column,
        code=DUPLICATE_ROW,
        value=_shorten(record.hospital_no),
        params={"first_line": first.line},
    )


def _shorten(raw: object) -> str:
    """Render a raw cell for an error message, at most MAX_VALUE_SHOWN characters."""
    text = "" if raw is None else str(raw).strip()
    if len(text) > MAX_VALUE_SHOWN:
        return text[: MAX_VALUE_SHOWN - 1] + "…"
    return text


class _RowReader:
    """Converts the cells of one row, recording an error per bad cell."""

    def __init__(self, row: SourceRow, columns: dict[str, str], dates: DateReader) -> None:
        self.row = row
        self.columns = columns
        self.dates = dates
        self.errors: list[RowError] = []

    def get(self, name: str, convert: Callable[[object], _T | None]) -> _T | None:
        """Convert the cell of field `name`; on a bad or missing required value record it."""
        header = self.columns.get(name)
        if header is None:
            return None
        raw = self.row.values.get(header)
        try:
            value = convert(raw)
        except Invalid as exc:
            self._error(header, exc.code, raw, exc.params)
            return None
        if value is None and name in REQUIRED_FIELDS:
            self._error(header, REQUIRED, raw, {})
        return value

    def _error(self, header: str, code: str, raw: object, params: dict[str, object]) -> None:
        """Record one cell error."""
        self.errors.append(RowError(self.row.line, header, code, _shorten(raw), params))

    def record(self) -> DischargeRecord | None:
        """Build the record, or None when any cell of the row is invalid."""
        get, dates = self.get, self.dates
        hospital_no, name = get("hospital_no", as_text), get("name", as_text)
        department, consent = get("department", as_text), get("consent", as_consent)
        discharged, admitted = get("discharged_at", dates.moment), get("admitted_at", dates.moment)
        condition, flags = get("discharge_condition", as_text), get("flags", as_text)
        optional = {n: get(n, as_text) for n in _OPTIONAL_TEXT}
        sex, age, phone = get("sex", as_sex), get("age", as_age), get("phone", as_phone)
        birth, revisit = get("birth_date", dates.day), get("revisit_at", dates.day)
        language = get("language", as_language)
        preferred = get("preferred_channel", as_preferred_channel)
        treated = get("treated_on", dates.day)
        if discharged is not None and admitted is not None:
            self._check_order(admitted, discharged)
        if self.errors or hospital_no is None or name is None or department is None:
            return None
        if discharged is None or consent is None:
            return None
        exclusion = exclusion_reason(condition, flags, admitted, discharged, consent)
        return DischargeRecord(
            line=self.row.line,
            hospital_no=hospital_no,
            name=name,
            department=department,
            discharged_at=discharged.utc,
            consent=consent,
            sex=sex,
            age=age,
            birth_date=birth,
            phone=phone,
            admitted_at=admitted.utc if admitted else None,
            discharge_condition=condition,
            revisit_at=revisit,
            treated_on=treated,
            flags=flags,
            exclusion=exclusion,
            language=language,
            preferred_channel=preferred,
            **optional,
        )

    def _check_order(self, admitted: Moment, discharged: Moment) -> None:
        """Record an error when admission comes after discharge."""
        if admitted.has_time and discharged.has_time:
            wrong = admitted.utc > discharged.utc
        else:
            wrong = admitted.local_date > discharged.local_date
        if wrong:
            header = self.columns["admitted_at"]
            self._error(header, ADMITTED_AFTER_DISCHARGE, self.row.values.get(header), {})
