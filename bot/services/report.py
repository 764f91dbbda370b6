"""The monthly Excel report: an overview for leaders, summary, departments, the registers,
failures and every answer."""

from __future__ import annotations

import asyncio
from datetime import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook

from bot.domain.call_figures import CallFigures
from bot.domain.cases import CaseKind
from bot.domain.periods import Period
from bot.domain.plans.model import PlanBook
from bot.domain.stats import DepartmentFigures, Stats
from bot.domain.surveys.model import Survey
from bot.services.bulk_rows import BulkRows
from bot.services.chart_points import department_points, trend_points
from bot.services.labels import LabelGroup, Labels
from bot.services.registers import (
    answers_in_words,
    complaint_register,
    events_by_case,
    failures_in_words,
    praise_register,
)
from bot.services.report_calls import call_rows
from bot.services.report_overview import Overview, overdue_complaints, print_layout, write_overview
from bot.services.statistics import compute_stats, names_by_step_key, stats_as_dict, step_names
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
FIGURE_GROUPS: dict[str, tuple[LabelGroup, ...]] = dict(  # the words of each level of a figure
    excluded=(LabelGroup.EXCLUSION_REASON,),
    failed=(LabelGroup.FAILURE_REASON,),
    satisfaction_shares=(LabelGroup.MEASURE, LabelGroup.SATISFACTION),
    medication=(LabelGroup.STEP_ANSWER,),
    reexam=(LabelGroup.STEP_ANSWER,),
)


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
    hospital: str = "",
    department_name: str = "",
    plans: PlanBook | None = None,  # to name the plan steps
    calls: CallFigures | None = None,  # the calls sheet's figures (bot.services.call_stats)
) -> bytes:
    """Return the XLSX bytes of the report for a period (one department, or all): a first
    sheet for leaders, then the figures, the registers, the failures, every answer and,
    when given, the calls against the targets."""
    start, end = period.bounds(zone)
    scope = Scope(start, end, department)
    stats = await compute_stats(store, surveys, zone, period, department, min_answers=min_answers)
    too_few = renderer.render("stats/too_few_answers", locale).strip()
    steps = names_by_step_key(step_names(renderer, plans, locale)) if plans else {}
    labels = Labels(renderer, surveys, locale, steps)
    reports = store.reports
    figures = parse_words(renderer.render("report/figures", locale))
    complaints = await reports.cases(scope, CaseKind.COMPLAINT)
    complaint_events = events_by_case(await reports.case_events(scope, CaseKind.COMPLAINT))
    praise_events = events_by_case(await reports.case_events(scope, CaseKind.PRAISE))
    rows = {
        Sheet.SUMMARY: _summary(
            stats, figures, renderer.render("stats/headline", locale, s=stats), labels
        ),
        Sheet.DEPARTMENTS: _departments(stats.departments, too_few),
        Sheet.COMPLAINTS: complaint_register(complaints, complaint_events, labels, zone),
        Sheet.PRAISE: praise_register(
            await reports.cases(scope, CaseKind.PRAISE), praise_events, labels, zone
        ),
        Sheet.FAILED: failures_in_words(await reports.failed_follow_ups(scope), labels),
        Sheet.ANSWERS: answers_in_words(await reports.answers(scope), labels),
    }
    words = parse_words(
        renderer.render(
            "report/overview",
            locale,
            hospital=hospital,
            month=f"{period.first:%Y-%m}",
            department=department_name or renderer.render("stats/whole_hospital", locale),
        )
    )
    overview = Overview(
        words["title"],
        stats,
        [tuple(_cell(v, zone) for v in row) for row in overdue_complaints(complaints, labels)],
        await _charts(
            store, surveys, renderer, locale, zone, period, department, stats, min_answers
        ),
        too_few,
        _channels(stats, labels),
    )
    book = Workbook()
    first = book.active
    assert first is not None
    first.title = words["sheet"][:31]
    write_overview(first, overview, words, figures)
    bulk = BulkRows(book)
    for key in SHEETS:
        _write_sheet(bulk, renderer.render(f"report/{key}", locale), rows[key], zone)
    if calls is not None:
        named = department_name or renderer.render("stats/whole_hospital", locale).strip()
        _calls_sheet(bulk, renderer, locale, calls, labels, named)
    for sheet in book.worksheets:
        print_layout(sheet, words["title"], words["footer"])
    return await asyncio.to_thread(bulk.save)


def _write_sheet(
    bulk: BulkRows, heading: str, rows: list[Any], zone: ZoneInfo | None = None
) -> None:
    """Add a sheet: its title and tab-separated headers (a report/<key> template), its rows
    (their moments in the hospital's local time: Excel has no time zones)."""
    title, headers = heading.strip().split("\n", 1)
    sheet = bulk.book.create_sheet(title[:31])
    sheet.append(headers.split("\t"))
    sheet.freeze_panes = "A2"
    bulk.add(sheet, rows, zone)


def _calls_sheet(
    bulk: BulkRows, renderer: Renderer, locale: str, calls: CallFigures, labels: Labels, scope: str
) -> None:
    """Add the calls sheet: the rate over all discharges against the targets, the calls."""
    words = parse_words(renderer.render("report/call_figures", locale, department=scope))
    _write_sheet(bulk, renderer.render("report/calls", locale), call_rows(calls, words, labels))


async def _charts(
    store: Store,
    surveys: dict[str, Survey],
    renderer: Renderer,
    locale: str,
    zone: ZoneInfo,
    period: Period,
    department: int | None,
    stats: Stats,
    min_answers: int,
) -> tuple[bytes, ...]:
    """The two charts of /chart, as PNGs to embed (the period's figures computed once)."""
    from bot.services.charts import department_chart, parse_labels, trend_chart

    words = parse_labels(renderer.render("charts/labels", locale))
    figures = (store, surveys, zone, period, department)
    trend = await trend_points(*figures, min_answers=min_answers, current=stats)
    compared = await department_points(*figures, min_answers=min_answers, computed=stats)
    return (
        await asyncio.to_thread(trend_chart, trend, words),
        await asyncio.to_thread(department_chart, compared, words),
    )


def _summary(
    stats: Stats, names: dict[str, str], headline: str, labels: Labels
) -> list[tuple[str, Any]]:
    """The headline sentences in the seeds' form first, then one row per figure, named in the
    report's language; counts by kind get a row each (`随访失败:无应答`). Figures listed on
    other sheets (steps, departments) are left out."""
    rows = [(names["headline"], line) for line in headline.splitlines() if line.strip()]
    for key, value in stats_as_dict(stats).items():
        if key in names:
            rows += _flattened(names[key], value, FIGURE_GROUPS.get(key, ()), labels)
    for figures in stats.channels:  # 已随访人数:短信, 随访成功人数:短信 ...
        channel = labels.word(LabelGroup.CHANNEL, figures.channel)
        for key in ("followed_up", "reached", "success_rate"):
            rows.append((f"{names[key]}:{channel}", getattr(figures, key)))
    return rows


def _channels(stats: Stats, labels: Labels) -> list[tuple[Any, ...]]:
    """One row per channel for the first sheet: its name, followed up, reached, the rate."""
    return [
        (labels.word(LabelGroup.CHANNEL, c.channel), c.followed_up, c.reached, c.success_rate)
        for c in stats.channels
    ]


def _flattened(
    label: str, value: Any, groups: tuple[LabelGroup, ...], labels: Labels
) -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [
            row
            for sub, inner in value.items()
            for row in _flattened(f"{label}:{_sub(sub, groups, labels)}", inner, groups[1:], labels)
        ]
    return [(label, value if isinstance(value, int | float | str) or value is None else str(value))]


def _sub(code: Any, groups: tuple[LabelGroup, ...], labels: Labels) -> str:
    """The words of a figure's part: a reason, a level, an answer; a score stays a number."""
    return labels.word(groups[0], code) if groups else str(code)


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


def _cell(value: Any, zone: ZoneInfo | None) -> Any:
    """A moment in the hospital's local time (Excel has no time zones); other values as they
    are (text is made safe by bulk_rows as it is written)."""
    if isinstance(value, datetime) and zone is not None:
        return value.astimezone(zone).replace(tzinfo=None)
    return value
