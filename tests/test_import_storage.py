"""Importing discharge lists into the database: all or nothing, idempotent, episodes."""

from __future__ import annotations

import asyncio
import shutil
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Table, func, select
from typer.testing import CliRunner

from bot.cli import app
from bot.settings import Settings
from bot.storage.records import Episode
from bot.storage.schema import departments, episodes, patients
from bot.storage.store import Store

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "discharge_sample.csv"
HEADER = "住院号,姓名,性别,联系电话,科室,出院时间,是否同意回访,特殊标记\n"
runner = CliRunner()


def _count(settings: Settings, table: Table) -> int:
    async def count() -> int:
        store = Store.open(settings.database_url)
        async with store.engine.connect() as conn:
            value = (await conn.execute(select(func.count()).select_from(table))).scalar_one()
        await store.close()
        return int(value)

    return asyncio.run(count())


def _latest(settings: Settings, hospital_no: str) -> Episode | None:
    async def latest() -> Episode | None:
        store = Store.open(settings.database_url)
        episode = await store.episodes.latest_for(hospital_no)
        await store.close()
        return episode

    return asyncio.run(latest())


def _write(tmp_path: Path, name: str, body: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding=encoding)
    return path


def test_gbk_file_with_chinese_headers_imports(cli_env: Settings, tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "gbk.csv",
        "ZY1,王小明,男,13800000001,心内科,2026/11/20 10:00,是,\n",
        encoding="gbk",
    )
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 0, result.output
    assert "新增 1" in result.output
    episode = _latest(cli_env, "ZY1")
    assert episode is not None
    assert (episode.name, episode.department) == ("王小明", "心内科")
    assert episode.discharged_at == datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def test_sample_file_imports_and_reimport_changes_nothing(cli_env: Settings) -> None:
    first = runner.invoke(app, ["import", str(SAMPLE)])
    assert first.exit_code == 0, first.output
    count = _count(cli_env, episodes)
    assert count == 12
    second = runner.invoke(app, ["import", str(SAMPLE)])
    assert second.exit_code == 0
    assert "新增 0,更新 0,未变 12" in second.output
    assert _count(cli_env, episodes) == count


def test_bad_rows_are_reported_and_nothing_is_written(cli_env: Settings, tmp_path: Path) -> None:
    body = (
        "ZY1,王小明,男,13800000001,心内科,2026/11/20,是,\n"
        "ZY2,李四,男,13800000002,骨科,2026-13-45,是,\n"
        "ZY3,赵五,X,13800000003,骨科,2026-11-20,也许,\n"
    )
    result = runner.invoke(app, ["import", str(_write(tmp_path, "bad.csv", body))])
    assert result.exit_code == 1
    assert "第 3 行" in result.output or "line 3" in result.output
    assert "出院时间" in result.output and "2026-13-45" in result.output
    assert "第 4 行" in result.output or "line 4" in result.output
    assert "未写入任何数据" in result.output
    assert _count(cli_env, patients) == 0
    assert _count(cli_env, departments) == 0


def test_dry_run_counts_but_writes_nothing(cli_env: Settings) -> None:
    result = runner.invoke(app, ["import", str(SAMPLE), "--dry-run"])
    assert result.exit_code == 0
    assert "试运行" in result.output and "新增 12" in result.output
    assert _count(cli_env, episodes) == 0


def test_later_discharge_is_a_new_episode_and_changes_update(
    cli_env: Settings, tmp_path: Path
) -> None:
    first = _write(tmp_path, "a.csv", "ZY1,王小明,男,13800000001,心内科,2026-11-01,是,\n")
    assert runner.invoke(app, ["import", str(first)]).exit_code == 0
    later = _write(
        tmp_path,
        "b.csv",
        "ZY1,王小明,男,13900000009,心内科,2026-11-01,否,\n"
        "ZY1,王小明,男,13900000009,呼吸科,2026-11-18,是,\n",
    )
    result = runner.invoke(app, ["import", str(later)])
    assert result.exit_code == 0, result.output
    assert "新增 1,更新 1" in result.output
    assert _count(cli_env, patients) == 1
    assert _count(cli_env, episodes) == 2
    latest = _latest(cli_env, "ZY1")
    assert latest is not None
    assert (latest.department, latest.phone, latest.consent) == ("呼吸科", "13900000009", True)


def test_exclusions_are_imported_recorded_and_never_invited(
    cli_env: Settings, tmp_path: Path
) -> None:
    body = (
        "ZY1,甲,男,13800000001,心内科,2026-11-01,否,\n"
        "ZY2,乙,男,13800000002,心内科,2026-11-01,是,医疗纠纷\n"
        "ZY3,丙,男,13800000003,心内科,2026-11-01,是,欠费\n"
        "ZY4,丁,男,13800000004,心内科,2026-11-01,是,死亡\n"
        "ZY5,戊,男,13800000005,心内科,2026-11-01,是,\n"
    )
    result = runner.invoke(app, ["import", str(_write(tmp_path, "x.csv", body))])
    assert result.exit_code == 0, result.output
    assert "未同意回访 1" in result.output and "医疗纠纷 1" in result.output
    assert "欠费/清理出院 1" in result.output and "死亡 1" in result.output
    for number in ("ZY1", "ZY2", "ZY3", "ZY4"):
        refused = runner.invoke(app, ["invite", number, "--bot-username", "b"])
        assert refused.exit_code == 1
        assert "不能生成邀请" in refused.output
    ok = runner.invoke(app, ["invite", "ZY5", "--bot-username", "demo_bot"])
    assert ok.exit_code == 0
    assert ok.stdout.strip().startswith("https://t.me/demo_bot?start=")


def test_unreadable_file_is_a_clear_error(cli_env: Settings, tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    shutil.copy(SAMPLE, path)
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 1
    assert "xlsx" in result.output.lower()
    assert "Traceback" not in result.output


def test_unreadable_medicines_are_warned_about_and_the_import_succeeds(
    cli_env: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "meds.csv"
    path.write_text(
        "住院号,姓名,科室,出院时间,是否同意回访,出院带药\n"
        "ZY1,甲,心内科,2026-11-01,是,阿司匹林肠溶片 100mg qd 30天; 二甲双胍 遵医嘱\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 0, result.output
    assert "第 2 行" in result.output and "二甲双胍 遵医嘱" in result.output
    assert "不会发送用药提醒" in result.output
    assert "新增 1" in result.output
