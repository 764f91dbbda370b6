"""The follow-up rate over all discharges against the targets, and the call figures, against
a hand-computed cohort (tests/call_records.py), whole hospital and one department."""

from __future__ import annotations

import asyncio
import io
import json
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from bot.cli import app
from bot.demo.harness import BotHarness
from bot.domain.call_figures import Coverage, target_met
from tests.call_records import CHIEF_B, NURSE, OFFICE, build_calls
from tests.call_test_helpers import november
from tests.harness import local, record, seed
from tests.stats_cohort import A, B


def row(c: Coverage) -> tuple[object, ...]:
    return (c.name, c.discharged, c.reached, c.chat, c.sms_web, c.phone, c.rate, c.met)


async def test_rate_over_all_discharges_against_the_targets(harness: BotHarness) -> None:
    await build_calls(harness)
    f = (await november(harness)).coverage
    # A: P1 (chat, and a red flag call), P2 (none), Q1 (call), Q4 (call, answers being relayed)
    # B: P3 (chat, and a call), P4, P6 (none), Q2 (call after a missed one), Q3 (phone off)
    assert [row(d) for d in f.departments] == [
        (B, 5, 2, 1, 0, 2, 40.0, True),  # exactly the 40% target
        (A, 4, 3, 1, 0, 3, 75.0, True),
    ]
    assert row(f.hospital) == ("", 9, 5, 2, 0, 5, 55.6, False)  # under 70%
    # special: Q1 (急诊), Q2 (plan chronic), Q3 (慢病随访); Q3 not reached
    assert row(f.special) == ("", 3, 2, 0, 0, 0, 66.7, False)


async def test_one_department_and_its_target(harness: BotHarness) -> None:
    await build_calls(harness)
    f = (await november(harness, B)).coverage
    assert [row(d) for d in f.departments] == [(B, 5, 2, 1, 0, 2, 40.0, True)]
    assert (f.hospital.discharged, f.hospital.reached) == (5, 2)
    assert (f.special.discharged, f.special.reached, f.special.met) == (2, 1, False)


def test_targets_are_met_at_the_share_itself() -> None:
    assert target_met(7, 10, 0.70) and not target_met(6, 10, 0.70)
    assert target_met(3, 3, 1.0) and not target_met(2, 3, 1.0)
    assert target_met(0, 0, 0.7) is None


async def test_workload_call_backs_re_calls(harness: BotHarness) -> None:
    await build_calls(harness)
    f = await november(harness)
    assert [(w.name, w.attempts, w.reached, w.outcomes) for w in f.workload] == [
        ("李护士", 4, 3, {"phone_off": 1, "reached": 3}),
        ("王护士", 4, 3, {"no_answer": 1, "reached": 3}),  # the dialing one and October's not
    ]
    b = f.call_backs
    assert (b.minutes, b.median_minutes, b.max_minutes, b.waiting) == ([30.0, 90.0], 60.0, 90.0, 1)
    r = f.re_calls
    assert (r.unreachable, r.called_again, r.still_open) == (2, 1, 1)


async def test_call_figures_of_one_department(harness: BotHarness) -> None:
    await build_calls(harness)
    f = await november(harness, B)
    assert [(w.name, w.attempts, w.reached) for w in f.workload] == [
        ("李护士", 3, 2),
        ("王护士", 1, 0),
    ]
    assert (f.call_backs.minutes, f.call_backs.waiting) == ([90.0], 0)
    assert (f.re_calls.unreachable, f.re_calls.called_again, f.re_calls.still_open) == (2, 1, 1)
    a = await november(harness, A)
    assert (a.re_calls.unreachable, a.call_backs.minutes, a.call_backs.waiting) == (0, [30.0], 1)


async def test_calls_stats_command_is_scoped_and_refused_to_staff(harness: BotHarness) -> None:
    await build_calls(harness)
    await harness.text(OFFICE, "/calls stats 2026-11")
    text = harness.telegram.last_text(OFFICE)
    assert "全院:出院 9 人,回访成功 5 人,回访率 55.6%,目标 70% 未达标" in text
    assert "呼吸科 2/5 人,40.0% 达标" in text and "王护士:4 次 / 接通 3 次" in text
    assert "用时中位数 60.0 分钟,最长 90.0 分钟;仍在等待回电 1 次" in text
    assert "未接通 2 个,本期内已再次拨打 1 个,仍待拨打 1 个" in text
    assert "张三丰" not in text  # no patient in the figures
    await harness.text(CHIEF_B, "/calls stats 2026-11 心内科")  # a department's chief: theirs
    text = harness.telegram.last_text(CHIEF_B)
    assert "电话回访统计 · 呼吸科" in text and "心内科" not in text
    await harness.text(OFFICE, "/calls stats 2026-11 外科")
    assert "外科" in harness.telegram.last_text(OFFICE)
    await harness.text(NURSE, "/calls stats")
    assert harness.telegram.last_text(NURSE) == "抱歉,此功能仅限主管人员使用。"


async def test_report_sheet_and_cli_show_the_targets(
    harness: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await build_calls(harness)
    await harness.text(OFFICE, "/report 2026-11")
    [document] = [c for c in harness.telegram.calls if c.method == "sendDocument"]
    book = load_workbook(io.BytesIO(next(iter(document.files.values()))), read_only=True)
    rows = [tuple(r) for r in book["电话回访与目标"].iter_rows(values_only=True)]
    assert rows[0] == ("项目", "范围", "数值")
    assert ("回访率(%)", "全院", 55.6) in rows and ("是否达标", "全院", "未达标") in rows
    assert ("回访成功:电话", "全院", 5) in rows and ("目标(%)", "全院", 70.0) in rows
    assert ("回访率(%)", "特殊人群(100%回访)", 66.7) in rows
    assert ("是否达标", B, "达标") in rows and ("回访成功人数", A, 3) in rows
    assert ("拨打次数", "王护士", 4) in rows and ("拨打结果:无人接听", "王护士", 1) in rows
    assert ("预警回电用时中位数(分钟)", "全院", 60.0) in rows
    assert ("仍待拨打(个)", "全院", 1) in rows and ("质量抽查(次)", "全院", 0) in rows
    monkeypatch.setenv("FOLLOWUP_DATABASE_URL", harness.settings.database_url)
    monkeypatch.delenv("FOLLOWUP_LOCALE", raising=False)
    table = await asyncio.to_thread(_cli, "table")
    assert "全院:出院 9 人,回访成功 5 人,回访率 55.6%,目标 70% 未达标" in table
    figures = json.loads(await asyncio.to_thread(_cli, "json"))["coverage"]
    assert figures["hospital"]["rate"] == 55.6 and figures["hospital"]["met"] is False
    assert figures["targets"] == {"hospital": 0.7, "department": 0.4, "special": 1.0}


def _cli(output: str) -> str:
    result = CliRunner().invoke(app, ["stats", "--month", "2026-11", "--format", output])
    assert result.exit_code == 0, result.output
    return result.stdout


async def test_special_by_diagnosis_counts_stays_with_no_flags_too(
    harness: BotHarness, tmp_path: Path
) -> None:
    await build_calls(harness)
    unflagged = record("Q5", department=A, discharged_at=local("2026-11-10"))
    await seed(harness.settings, replace(unflagged, diagnosis="慢性阻塞性肺疾病急性加重"))
    assert (await november(harness)).coverage.special.discharged == 3  # Q1-Q3: flags, plan
    groups = tmp_path / "special_groups.yaml"
    groups.write_text(
        "flag_keywords: [急诊, 慢病]\ndiagnosis_keywords: [慢性阻塞]\nplans: [chronic]\n",
        encoding="utf-8",
    )
    harness.settings = harness.settings.model_copy(update={"special_groups_file": groups})
    await harness.restart()
    assert (await november(harness)).coverage.special.discharged == 4  # and Q5, by diagnosis
