"""The report's first sheet, for a hospital leader, and the print layout of every sheet."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from bot.demo.harness import BotHarness
from bot.services.report import build_report
from bot.services.statistics import compute_stats
from tests.harness import HOSPITAL
from tests.stats_cohort import NOVEMBER, A, B, build_cohort


async def report(harness: BotHarness, locale: str) -> bytes:
    services = harness.services
    return await build_report(
        services.store,
        services.scheduling.surveys,
        services.renderer,
        locale,
        services.settings.zone,
        NOVEMBER,
        None,
        min_answers=1,
        hospital=HOSPITAL,
    )


def section(rows: list[tuple[Any, ...]], heading: str) -> list[tuple[Any, ...]]:
    """The rows under a heading of the first sheet, up to the next blank row."""
    start = next(i for i, row in enumerate(rows) if row[0] == heading) + 2
    end = next((i for i in range(start, len(rows)) if rows[i][0] is None), len(rows))
    return rows[start:end]


@pytest.mark.parametrize(
    ("locale", "title", "words"),
    [
        (
            "zh_CN",
            f"{HOSPITAL} 2026-11 出院随访月报(全院)",
            ("主要指标", "科室满意度排名", "超期未答复的投诉", "出院人数", "全院满意率(%)"),
        ),
        (
            "en",
            f"{HOSPITAL} follow-up report 2026-11 (Whole hospital)",
            (
                "Headline figures",
                "Departments ranked by satisfaction",
                "Complaints not answered in time",
                "Discharged",
                "Satisfied with the hospital (%)",
            ),
        ),
    ],
)
async def test_the_first_sheet_is_what_a_leader_reads_in_a_minute(
    harness: BotHarness, locale: str, title: str, words: tuple[str, ...]
) -> None:
    await build_cohort(harness)
    services = harness.services
    stats = await compute_stats(
        services.store,
        services.scheduling.surveys,
        services.settings.zone,
        NOVEMBER,
        None,
        min_answers=1,
    )
    book = load_workbook(io.BytesIO(await report(harness, locale)))
    first = book.worksheets[0]
    rows = [tuple(row) for row in first.iter_rows(values_only=True)]
    headline, ranking, overdue = words[0], words[1], words[2]
    assert rows[0][0] == title
    figures = {row[0]: row[1] for row in section(rows, headline)}
    assert figures[words[3]] == stats.discharged == 5
    assert figures[words[4]] == stats.satisfaction["satisfaction_hospital"].shares["satisfied"]
    assert [row[:5] for row in section(rows, ranking)] == [
        (d.rank, d.name, d.satisfied_share, d.answers, d.on_time_rate) for d in stats.departments
    ]
    assert [row[0] for row in section(rows, ranking)] == [1, 2]
    assert [row[1] for row in section(rows, overdue)] == [B]  # the late complaint, in words
    assert len(first._images) == 2  # the trend and the departments compared
    for sheet in book.worksheets:
        assert (
            sheet.page_setup.orientation == "landscape"
            and int(sheet.page_setup.paperSize) == 9  # A4
        )
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
        assert sheet.print_title_rows == "$1:$1" and HOSPITAL in sheet.oddHeader.center.text
    assert A in [row[1] for row in section(rows, ranking)]
