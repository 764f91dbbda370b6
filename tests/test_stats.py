"""Statistics against a hand-computed cohort: every figure, and the department scope."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from bot.cli import app
from bot.demo.harness import BotHarness
from bot.domain.roles import Role
from bot.services.statistics import compute_stats, department_id
from tests.stats_cohort import NOVEMBER, A, B, build_cohort, cohort_database


async def test_hospital_wide_figures(harness: BotHarness) -> None:
    await build_cohort(harness)
    services = harness.services
    s = await compute_stats(
        services.store,
        services.scheduling.surveys,
        services.settings.zone,
        NOVEMBER,
        None,
        min_answers=1,
    )
    assert (s.discharged, s.eligible, s.enrolled) == (5, 3, 3)
    assert s.excluded == {"no_consent": 1, "dispute": 1}
    assert (s.followed_up, s.reached, s.success_rate) == (3, 2, 66.7)
    assert s.failed == {"no_answer": 1}
    assert s.satisfaction["satisfaction_hospital"].shares == {
        "satisfied": 50.0,
        "basically": 0.0,
        "unsatisfied": 50.0,
    }
    assert s.satisfaction["satisfaction_doctors"].shares == {
        "satisfied": 50.0,
        "basically": 50.0,
        "unsatisfied": 0.0,
    }
    assert (s.nps_counts, s.nps_answers, s.nps) == ({10: 1, 6: 1}, 2, 0.0)
    assert (s.complaints, s.complaints_on_time, s.on_time_rate, s.complaints_overdue) == (
        2,
        1,
        50.0,
        1,
    )
    assert (s.praise, s.red_flags, s.median_ack_minutes) == (1, 2, 15.0)
    assert s.medication == {"taken": 1, "unanswered": 1} and s.adherence == 50.0
    assert s.reexam == {"attended": 1}
    assert [(x.plan, x.step, x.sent, x.answered, x.reply_rate) for x in s.steps] == [
        ("chronic", "day3", 1, 1, 100.0),
        ("general", "day3", 2, 1, 50.0),
        ("general", "day7", 1, 0, 0.0),
    ]
    assert [
        (d.name, d.rank, d.satisfied_share, d.answers, d.complaints, d.on_time_rate)
        for d in s.departments
    ] == [(A, 1, 100.0, 1, 1, 100.0), (B, 2, 0.0, 1, 1, 0.0)]


async def test_one_department(harness: BotHarness) -> None:
    await build_cohort(harness)
    services = harness.services
    b = await department_id(services.store, B)
    s = await compute_stats(
        services.store,
        services.scheduling.surveys,
        services.settings.zone,
        NOVEMBER,
        b,
        min_answers=1,
    )
    assert (s.discharged, s.eligible, s.followed_up, s.reached) == (3, 1, 1, 1)
    assert (s.complaints, s.complaints_overdue, s.praise, s.red_flags) == (1, 1, 1, 0)
    assert [(d.name, d.rank, d.answers, d.on_time_rate) for d in s.departments] == [(B, 1, 1, 0.0)]


async def test_stats_command_scopes_by_role(harness: BotHarness) -> None:
    await build_cohort(harness)
    store, now = harness.services.store, harness.clock.now()
    await store.staff.upsert(801, Role.SUPERVISOR, B, "呼吸科主任", now)
    await store.staff.upsert(802, Role.SUPERVISOR, None, "医务科", now)
    await store.staff.upsert(803, Role.STAFF, None, "护士", now)
    await harness.text(801, "/stats 2026-11")
    assert "呼吸科" in harness.telegram.last_text(
        801
    ) and "出院 3 人" in harness.telegram.last_text(801)
    await harness.text(801, f"/stats 2026-11 {A}")  # a department supervisor sees only theirs
    assert "出院 3 人" in harness.telegram.last_text(801)
    await harness.text(802, "/stats 2026-11")
    assert "全院" in harness.telegram.last_text(802) and "出院 5 人" in harness.telegram.last_text(
        802
    )
    await harness.text(802, f"/stats 2026-11-01 2026-11-30 {A}")
    assert "出院 2 人" in harness.telegram.last_text(802)
    await harness.text(803, "/stats")
    assert "仅限主管" in harness.telegram.last_text(803)
    await harness.text(802, "/stats 2026-13")
    assert "YYYY-MM" in harness.telegram.last_text(802)


async def test_english_stats_count_one_answer_and_many_answers(harness: BotHarness) -> None:
    harness.settings = harness.settings.model_copy(update={"locale": "en"})
    await harness.restart()
    await build_cohort(harness)
    now = harness.clock.now()
    await harness.services.store.staff.upsert(802, Role.SUPERVISOR, None, "医务科", now)
    await harness.text(802, "/stats 2026-11")
    summary = harness.telegram.last_text(802)
    assert "(1 answer)" in summary and "(2 answers)" in summary
    assert "(1 answers)" not in summary


def test_cli_prints_the_same_figures_as_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cohort_database(tmp_path, monkeypatch)
    result = CliRunner().invoke(app, ["stats", "--month", "2026-11", "--format", "json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert (figures["discharged"], figures["reached"], figures["success_rate"]) == (5, 2, 66.7)
    assert figures["nps"] == 0.0 and figures["reply_rates"] == {
        "chronic/day3": 100.0,
        "general/day3": 50.0,
        "general/day7": 0.0,
    }
    assert figures["channels"][0] == {
        "channel": "telegram",
        "followed_up": 3,
        "reached": 2,
        "success_rate": 66.7,
    }
    bad = CliRunner().invoke(app, ["stats", "--month", "2026-13"])
    assert bad.exit_code == 1 and "YYYY-MM" in bad.output


def test_monthly_report_holds_the_registers_and_every_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cohort_database(tmp_path, monkeypatch)
    out = tmp_path / "report.xlsx"
    result = CliRunner().invoke(app, ["report", "--month", "2026-11", "--out", str(out)])
    assert result.exit_code == 0, result.output
    book = load_workbook(out, read_only=True)
    assert book.sheetnames == [
        "月报概览",
        "统计汇总",
        "科室",
        "投诉登记表",
        "表扬登记表",
        "随访失败",
        "全部回答",
        "电话回访与目标",
    ]
    rows = {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}
    assert rows["投诉登记表"][0][:3] == ("编号", "受理时间", "被回访人姓名")
    assert len(rows["投诉登记表"]) == 1 + 2 and len(rows["表扬登记表"]) == 1 + 1
    assert [r[1] for r in rows["随访失败"][1:]] == ["P1"]
    assert len(rows["全部回答"]) == 1 + 6
    summary = [tuple(r) for r in rows["统计汇总"]]
    assert ("出院人数", 5) in summary and ("不予随访:未同意回访", 1) in summary
    assert not [r for r in summary if "{" in str(r[1])]  # no Python dict shown to people
    assert [r[0] for r in rows["科室"][1:]] == [B, A] or [r[0] for r in rows["科室"][1:]] == [A, B]
    assert oct(out.stat().st_mode & 0o777) == "0o600"


async def test_report_command_sends_the_workbook_to_supervisors_only(
    harness: BotHarness,
) -> None:
    await build_cohort(harness)
    now = harness.clock.now()
    await harness.services.store.staff.upsert(802, Role.SUPERVISOR, None, "医务科", now)
    await harness.text(802, "/report 2026-11")
    [document] = [c for c in harness.telegram.calls if c.method == "sendDocument"]
    assert "2026-11-01" in document.params["caption"]
    await harness.text(5, "/report 2026-11")
    assert len([c for c in harness.telegram.calls if c.method == "sendDocument"]) == 1


async def test_chart_command_sends_two_real_charts_to_supervisors(harness: BotHarness) -> None:
    await build_cohort(harness)
    now = harness.clock.now()
    await harness.services.store.staff.upsert(802, Role.SUPERVISOR, None, "医务科", now)
    await harness.text(802, "/chart 2026-11")
    [album] = [c for c in harness.telegram.calls if c.method == "sendMediaGroup"]
    media = album.params["media"]
    media = json.loads(media) if isinstance(media, str) else media
    assert len(media) == 2 and "随访统计图" in media[0]["caption"]
    await harness.text(803, "/chart")
    assert "仅限主管" in harness.telegram.last_text(803)
