"""The answer export: every survey answer of a period in words, with the codes for analysts."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from openpyxl import Workbook

from bot.domain.exports import AnswerSelection, ExportFormat
from bot.domain.plans.model import PlanBook
from bot.domain.surveys.model import Survey
from bot.services.labels import Labels
from bot.services.sheet_cells import text_safe_cell
from bot.storage.reports import AnswerRecord
from bot.storage.stats import Scope
from bot.storage.store import Store
from bot.templating import Renderer

WORDS_SHEET = "export/answers"  # title line, then the column headers separated by tabs
CODES_SHEET = "export/codes"
MINUTES = "%Y-%m-%d %H:%M"
FORMULA_STARTS = ("=", "@", "\t", "\r")
SIGNS = ("+", "-")


@dataclass(frozen=True)
class Sheet:
    title: str
    headers: list[str]
    rows: list[list[object]]


@dataclass(frozen=True)
class AnswerExport:
    """The same answers twice, row for row: in words for people, as codes for analysts."""

    words: Sheet
    codes: Sheet


@dataclass(frozen=True)
class ExportContext:
    surveys: dict[str, Survey]
    plans: PlanBook
    renderer: Renderer
    locale: str
    zone: ZoneInfo


async def build_answer_export(
    store: Store, context: ExportContext, scope: Scope, selection: AnswerSelection
) -> AnswerExport:
    """Read the answers picked by `selection` in the scope and put them in words and codes."""
    records = await store.reports.answer_records(scope, selection)
    labels = Labels(context.renderer, context.surveys, context.locale)
    return AnswerExport(
        _sheet(context, WORDS_SHEET, [_in_words(context, labels, r) for r in records]),
        _sheet(context, CODES_SHEET, [_as_codes(context.zone, r) for r in records]),
    )


def export_bytes(export: AnswerExport, kind: ExportFormat, with_codes: bool) -> bytes:
    """Return the file's bytes: a workbook with a codes sheet, or CSV (codes as extra columns)."""
    if kind is ExportFormat.XLSX:
        return _xlsx(export)
    return _csv(export, with_codes)


def _sheet(context: ExportContext, key: str, rows: list[list[object]]) -> Sheet:
    title, headers = context.renderer.render(key, context.locale).split("\n", 1)
    return Sheet(title.strip(), headers.strip().split("\t"), rows)


def _in_words(context: ExportContext, labels: Labels, record: AnswerRecord) -> list[object]:
    plan = context.plans.plans.get(record.plan_key or "")
    survey, question = record.survey, record.question
    return [
        record.name,
        record.hospital_no,
        record.phone,
        record.department,
        _local(record.discharged_at, context.zone),
        plan.names.get(context.locale, "") if plan else "",
        labels.survey(survey),
        labels.question(question, survey),
        labels.answer(question, record.value, record.text, survey),
        labels.who(record.respondent),
        labels.relation(record.respondent, record.relation),
        _local(record.at, context.zone),
    ]


def _as_codes(zone: ZoneInfo, record: AnswerRecord) -> list[object]:
    return [
        record.hospital_no,
        _local(record.at, zone),
        record.plan_key,
        record.survey,
        record.step_key,
        record.question,
        record.value,
        record.respondent,
        record.relation,
    ]


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    """The hospital's wall-clock time, to the minute (a spreadsheet cell has no time zone)."""
    return moment.astimezone(zone).replace(tzinfo=None, second=0, microsecond=0)


def _xlsx(export: AnswerExport) -> bytes:
    book = Workbook(write_only=True)
    for sheet in (export.words, export.codes):
        page = book.create_sheet(sheet.title[:31])
        page.append(sheet.headers)
        for row in sheet.rows:
            page.append([text_safe_cell(page, value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _csv(export: AnswerExport, with_codes: bool) -> bytes:
    """UTF-8 with a BOM, so Excel opens the Chinese right; codes sit after the words."""
    words, codes = export.words, export.codes
    extra = codes.headers[2:] if with_codes else []  # hospital no. and time are already there
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow([*words.headers, *extra])
    for row, coded in zip(words.rows, codes.rows, strict=True):
        writer.writerow([*_csv_cells(row), *(_csv_cells(coded[2:]) if with_codes else [])])
    return out.getvalue().encode("utf-8-sig")


def _csv_cells(row: Sequence[object]) -> list[object]:
    return [f"{v:{MINUTES}}" if isinstance(v, datetime) else _inert(v) for v in row]


def _inert(value: object) -> object:
    """Text a spreadsheet would run as a formula gets a leading ' (typed "=...", "@...");
    a phone number like +8613800000000 is left as it is."""
    if not isinstance(value, str) or not value:
        return value
    starts_formula = value[0] in FORMULA_STARTS or (
        value[0] in SIGNS and not value[1:].replace(" ", "").isdigit()
    )
    return f"'{value}" if starts_formula else value
