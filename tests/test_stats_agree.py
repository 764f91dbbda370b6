"""One cohort, four readers: /stats, `followup stats`, the chart and the report show the same
numbers, because they are computed once (bot.services.statistics.compute_stats)."""

from __future__ import annotations

import asyncio
import io
import json
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from bot.cli import app
from bot.demo.harness import BotHarness
from bot.domain.roles import Role
from bot.services.chart_points import department_points
from bot.services.statistics import compute_stats
from tests.stats_cohort import NOVEMBER, build_cohort

SUPERVISOR = 802


def _cli(output: str) -> str:
    result = CliRunner().invoke(app, ["stats", "--month", "2026-11", "--format", output])
    assert result.exit_code == 0, result.output
    return result.stdout


async def _report(harness: BotHarness) -> dict[str, list[tuple[Any, ...]]]:
    await harness.text(SUPERVISOR, "/report 2026-11")
    [document] = [c for c in harness.telegram.calls if c.method == "sendDocument"]
    book = load_workbook(io.BytesIO(next(iter(document.files.values()))), read_only=True)
    return {
        name: [tuple(r) for r in book[name].iter_rows(values_only=True)] for name in book.sheetnames
    }


async def test_stats_cli_chart_and_report_agree_on_one_cohort(
    harness: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    harness.settings = harness.settings.model_copy(update={"rank_min_answers": 1})
    await harness.restart()
    await build_cohort(harness)
    services, now = harness.services, harness.clock.now()
    await services.store.staff.upsert(SUPERVISOR, Role.SUPERVISOR, None, "医务科", now)
    await harness.text(SUPERVISOR, "/stats 2026-11")
    text = harness.telegram.last_text(SUPERVISOR)
    sheets = await _report(harness)
    monkeypatch.setenv("FOLLOWUP_DATABASE_URL", harness.settings.database_url)
    monkeypatch.setenv("FOLLOWUP_RANK_MIN_ANSWERS", "1")
    monkeypatch.delenv("FOLLOWUP_LOCALE", raising=False)
    cli: dict[str, Any] = json.loads(await asyncio.to_thread(_cli, "json"))
    table = await asyncio.to_thread(_cli, "table")
    stats = await compute_stats(
        services.store,
        services.scheduling.surveys,
        services.settings.zone,
        NOVEMBER,
        None,
        min_answers=1,
    )
    points = await department_points(
        services.store,
        services.scheduling.surveys,
        services.settings.zone,
        NOVEMBER,
        None,
        min_answers=1,
    )
    chart = {point.name: point for point in points}

    summary = dict(row[:2] for row in sheets["统计汇总"][1:])
    assert cli["success_rate"] == summary["随访成功率(%)"] == stats.success_rate == 66.7
    assert f"成功率为 {cli['success_rate']}%" in text and f"成功率 {cli['success_rate']}%" in text
    assert cli["nps"] == summary["净推荐值(NPS)"] == 0.0 and f"NPS:{cli['nps']}" in text
    assert cli["on_time_rate"] == summary["按时答复率(%)"] == 50.0
    assert f"按时答复率为 {cli['on_time_rate']}%" in text

    departments = {row[0]: row for row in sheets["科室"][1:]}
    assert [d["name"] for d in cli["departments"]] == list(departments) == list(chart)
    for shown in cli["departments"]:
        name, row, point = shown["name"], departments[shown["name"]], chart[shown["name"]]
        assert row[1] == shown["rank"]
        assert row[5] == shown["success_rate"] == point.success_rate
        assert row[6] == shown["satisfied_share"] == point.satisfied_share
        assert row[9] == shown["on_time_rate"]
        line = (
            f"{shown['rank']}. {name} {shown['satisfied_share']}%({shown['answers']} 份),"
            f"投诉按时答复 {shown['on_time_rate']}%"
        )
        assert line in text and line in table
