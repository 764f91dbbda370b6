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
        Sheet.SUMMARY: _summary(
            stats,
            parse_words(renderer.render("report/figures", locale)),
            renderer.render("stats/headline", locale, s=stats),
        ),
        Sheet.DEPARTMENTS: _departments(stats.departments, too_few),
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


def _summary(stats: Any, names: dict[str, str], headline: str) -> list[tuple[str, Any]]:
    """The headline sentences in the seeds' form first, then one row per figure, named in the
    report's language; counts by kind get a row each (`失败原因:no_answer`). Figures listed
    on other sheets (steps, departments) are left out."""
    rows = [(names["headline"], line) for line in headline.splitlines() if line.strip()]
    for key, value in stats_as_dict(stats).items():
        if key in names:
            rows += _flattened(names[key], value)
    return rows


def _flattened(label: str, value: Any) -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [row for sub, inner in value.items() for row in _flattened(f"{label}:{sub}", inner)]
    return [(label, value if isinstance(value, int | float | str) or value is None else str(value))]


def _departments(ranked: list[DepartmentFigures], too_few: str) -> list[tuple[Any, ...]]:
    """One row per department, in the ranking's order (ranked first): the same figures as
    /stats and the chart, computed once for the report's scope."""
    return [
        (
            d.name,
            too_few if d.rank is None else d.rank,
            d.discharged,
            d.followed_up,
            d.reached,
            d.success_rate,
            d.satisfied_share,
            d.answers,
            d.complaints,
            d.on_time_rate,
        )
        for d in ranked
    ]


def _cell(value: Any, zone: ZoneInfo) -> Any:
    """A value as a worksheet takes it: moments in the hospital's local time (Excel has no
    time zones), text without the control characters XML forbids (a patient may type them)."""
    if isinstance(value, datetime):
        return value.astimezone(zone).replace(tzinfo=None)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value
