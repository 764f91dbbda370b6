"""The monthly Excel report: summary, departments, the registers, failures and every answer."""

from __future__ import annotations

import io
from datetime import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from bot.domain.cases import CaseKind
from bot.domain.periods import Period
from bot.domain.stats import DepartmentFigures
from bot.domain.surveys.model import Survey
from bot.services.statistics import compute_stats, stats_as_dict
from bot.storage.stats import Scope
from bot.storage.store import Store
from bot.templating import Renderer, parse_words


class Sheet(StrEnum):
    """A sheet of the report, in order (its title and headers are report/<value>)."""

    SUMMARY = "summary"
    DEPARTMENTS = "departments"
    COMPLAINTS = "complaints"
    PRAISE = "praise"
    FAILED = "failed"
    ANSWERS = "answers"


SHEETS = tuple(Sheet)


async def build_report(
    store: Store,
    surveys: dict[str, Survey],
    renderer: Renderer,
    locale: str,
    zone: ZoneInfo,
    period: Period,
    department: int | None,
    *,
    min_answers: int,
) -> bytes:
    """Return the XLSX bytes of the report for a period (one department, or all)."""
    start, end = period.bounds(zone)
    scope = Scope(start, end, department)
    stats = await compute_stats(store, surveys, zone, period, department, min_answers=min_answers)
    too_few = renderer.render("stats/too_few_answers", locale).strip()
    rows = {
        Sheet.SUMMARY: _summary(stats, parse_words(renderer.render("report/figures", locale))),
        Sheet.DEPARTMENTS: await _departments(
            store, surveys, zone, period, department, stats.departments, too_few, min_answers
        ),
        Sheet.COMPLAINTS: await store.reports.cases(scope, CaseKind.COMPLAINT),
        Sheet.PRAISE: await store.reports.cases(scope, CaseKind.PRAISE),
        Sheet.FAILED: await store.reports.failed_follow_ups(scope),
        Sheet.ANSWERS: await store.reports.answers(scope),
    }
    book = Workbook(write_only=True)
    for key in SHEETS:
        title, headers = renderer.render(f"report/{key}", locale).split("\n", 1)
        sheet = book.create_sheet(title[:31])
        sheet.append(headers.split("\t"))
        for row in rows[key]:
            sheet.append([_cell(value, zone) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _summary(stats: Any, names: dict[str, str]) -> list[tuple[str, Any]]:
    """One row per figure, named in the report's language; counts by kind get a row each
    (`失败原因:no_answer`). Figures listed on other sheets (steps, departments) are left out."""
    rows: list[tuple[str, Any]] = []
    for key, value in stats_as_dict(stats).items():
        if key in names:
            rows += _flattened(names[key], value)
    return rows


def _flattened(label: str, value: Any) -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [row for sub, inner in value.items() for row in _flattened(f"{label}:{sub}", inner)]
    return [(label, value if isinstance(value, int | float | str) or value is None else str(value))]


async def _departments(
    store: Store,
    surveys: dict[str, Survey],
    zone: ZoneInfo,
    period: Period,
    only: int | None,
    ranked: list[DepartmentFigures],
    too_few: str,
    min_answers: int,
) -> list[tuple[Any, ...]]:
    """One row per department with discharges, in the ranking's order (ranked first); the
    satisfaction and complaint figures are the ranking's own, so they match /stats."""
    order = {figures.name: index for index, figures in enumerate(ranked)}
    by_name = {figures.name: figures for figures in ranked}
    rows = []
    for department_id, name in await store.stats.departments():
        if only is not None and department_id != only:
            continue
        stats = await compute_stats(
            store, surveys, zone, period, department_id, min_answers=min_answers
        )
        if stats.discharged == 0:
            continue
        figures = by_name.get(name, DepartmentFigures(name))
        rows.append(
            (
                name,
                too_few if figures.rank is None else figures.rank,
                stats.discharged,
                stats.followed_up,
                stats.reached,
                stats.success_rate,
                figures.satisfied_share,
                figures.answers,
                figures.complaints,
                figures.on_time_rate,
            )
        )
    return sorted(rows, key=lambda row: order.get(row[0], len(order)))


def _cell(value: Any, zone: ZoneInfo) -> Any:
    """A value as a worksheet takes it: moments in the hospital's local time (Excel has no
    time zones), text without the control characters XML forbids (a patient may type them)."""
    if isinstance(value, datetime):
        return value.astimezone(zone).replace(tzinfo=None)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value
