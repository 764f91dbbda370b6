"""Write a modelled discharge list as CSV or XLSX bytes, in every documented form."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from bot.domain.discharge.cells import CONSENT_WORDS, SEX_WORDS
from bot.domain.discharge.dates import EXCEL_EPOCH
from tests.import_fuzzing.model import Line, ListFile, Moment, Patient

FULL_WIDTH = str.maketrans("0123456789-/.:", "０１２３４５６７８９－／．：")


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
        cell = sheet.cell(row=1, column=column, value=header or None)
        if header:
            cell.data_type = "s"  # a header like "=1+1" is text, as in the CSV, not a formula
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


def xls_bytes(listed: ListFile) -> bytes:
    """Write the list as a legacy XLS (BIFF8) with native numbers and dates, as xlwt can."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("出院名单")
    for column, (header, _) in enumerate(listed.columns):
        if header:
            sheet.write(0, column, header)
    row = 0
    listed.written_lines = []
    for line in listed.lines:
        row += 1 + line.blank_before
        listed.written_lines.append(row + 1)
        for column, (_, name) in enumerate(listed.columns):
            _xls_cell(sheet, row, column, _xlsx_value(line, name))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


XLS_DATE = "YYYY-MM-DD HH:MM"
XLS_TEXT_LIMIT = 32767  # the most characters a BIFF8 cell holds


def _xls_cell(sheet: Any, row: int, column: int, value: object) -> None:
    import xlwt

    if value is None:
        return
    if isinstance(value, datetime | date):
        sheet.write(row, column, value, xlwt.easyxf(num_format_str=XLS_DATE))
    elif isinstance(value, str):
        sheet.write(row, column, ILLEGAL_CHARACTERS_RE.sub("", value)[:XLS_TEXT_LIMIT])
    else:
        sheet.write(row, column, value)
