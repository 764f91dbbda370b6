"""The report's first sheet, for a hospital leader: the title with the hospital and month, the
headline figures, the department ranking, the complaints not answered in time and the two
charts; and the print layout every sheet gets (A4 landscape, fit to width, titles repeated)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from openpyxl.drawing.image import Image
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from bot.domain.stats import Stats
from bot.domain.surveys.model import Measure
from bot.services.labels import LabelGroup, Labels
from bot.services.sheet_cells import text_safe_cell
from bot.storage.reports import RegisterRow

HEADLINE = (  # the figures a leader reads first, in this order (named by report/figures)
    "discharged",
    "followed_up",
    "reached",
    "success_rate",
    "nps",
    "complaints",
    "on_time_rate",
    "complaints_overdue",
    "praise",
    "red_flags",
)
CHART_WIDTH = 640  # pixels: two charts side by side fit an A4 landscape page
TITLE_FONT = Font(size=16, bold=True)
SECTION_FONT = Font(size=12, bold=True)


@dataclass(frozen=True)
class Overview:
    """What the first sheet shows, already computed."""

    title: str
    stats: Stats
    overdue: list[tuple[Any, ...]]  # in words (overdue_complaints)
    charts: tuple[bytes, ...]  # PNGs
    too_few: str  # the rank of a department below the minimum sample (样本不足)
    channels: list[tuple[Any, ...]]  # in words: channel, followed up, reached, success rate


def write_overview(
    sheet: Worksheet, overview: Overview, words: dict[str, str], figures: dict[str, str]
) -> None:
    """Fill the first sheet; the charts go to the right of the figures."""
    sheet.append([overview.title])
    sheet["A1"].font = TITLE_FONT
    _section(sheet, words["headline"], words["figure"], words["value"])
    for key in HEADLINE:
        sheet.append([figures[key], getattr(overview.stats, key)])
    overall = overview.stats.satisfaction.get(Measure.SATISFACTION_HOSPITAL.value)
    sheet.append([words["satisfied"], overall.shares["satisfied"] if overall else None])
    _section(sheet, words["channels"], *words["channel_headers"].split("\t"))
    for row in overview.channels:
        sheet.append(list(row))
    _section(sheet, words["ranking"], *words["ranking_headers"].split("\t"))
    for d in overview.stats.departments:
        rank = overview.too_few if d.rank is None else d.rank
        sheet.append([rank, d.name, d.satisfied_share, d.answers, d.on_time_rate])
    _section(sheet, words["overdue"], *words["overdue_headers"].split("\t"))
    for row in overview.overdue:
        sheet.append([text_safe_cell(sheet, value) for value in row])  # moments already local
    if not overview.overdue:
        sheet.append([words["no_overdue"]])
    for place, png in zip(("G3", "G25"), overview.charts, strict=False):
        image = Image(io.BytesIO(png))
        image.width, image.height = CHART_WIDTH, int(image.height * CHART_WIDTH / image.width)
        sheet.add_image(image, place)
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 14


def overdue_complaints(rows: Iterable[RegisterRow], labels: Labels) -> list[tuple[Any, ...]]:
    """The complaints whose answer deadline passed unanswered (counted as overdue in the
    figures), in words: number, department, concerned, received, due, status."""
    return [
        (
            row.id,
            row.department,
            labels.concerned(row.concerned, row.question, row.survey),
            row.created_at,
            row.due_at,
            labels.word(LabelGroup.CASE_STATUS, row.status),
        )
        for row in rows
        if row.answer_overdue_at is not None
    ]


def _section(sheet: Worksheet, heading: str, *headers: str) -> None:
    sheet.append([])
    sheet.append([heading])
    sheet.cell(row=sheet.max_row, column=1).font = SECTION_FONT
    sheet.append(list(headers))


def print_layout(sheet: Worksheet, header: str, footer: str) -> None:
    """A4 landscape, fitted to the page width, the first row repeated on every page."""
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    sheet.print_options.gridLines = True
    sheet.oddHeader.center.text = header
    sheet.oddFooter.center.text = footer
