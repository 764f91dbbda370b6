"""Legacy .xls discharge lists through `followup import`: read like CSV/XLSX, all or nothing."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pytest
import xlwt
from openpyxl import Workbook
from sqlalchemy import func, select
from typer.testing import CliRunner

from bot.cli import app
from bot.settings import Settings
from bot.storage.schema import episodes
from bot.storage.store import Store

runner = CliRunner()
HEADER = ("住院号", "姓名", "科室", "出院时间", "是否同意回访", "联系电话")
DATE_STYLE = "YYYY-MM-DD HH:MM"


def _xls(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    """Write a real BIFF8 .xls: dates as Excel dates, numbers as numbers, like HIS exports."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("出院名单")
    dated = xlwt.easyxf(num_format_str=DATE_STYLE)
    for r, row in enumerate([HEADER, *rows]):
        for c, value in enumerate(row):
            if isinstance(value, datetime):
                sheet.write(r, c, value, dated)
            elif value is not None:
                sheet.write(r, c, value)
    book.save(str(path))
    return path


def _stays(settings: Settings) -> int:
    async def count() -> int:
        store = Store.open(settings.database_url)
        async with store.engine.connect() as conn:
            value = (await conn.execute(select(func.count()).select_from(episodes))).scalar_one()
        await store.close()
        return int(value)

    return asyncio.run(count())


GOOD = [
    ("ZY1", "王小明", "心内科", datetime(2026, 11, 20, 10, 0), "是", 13800000001),
    (100234, "李芳", "呼吸科", "2026-11-21", "否", "13800000002"),
]


@pytest.mark.parametrize(("locale", "summary"), [("zh_CN", "新增 2"), ("en", "2 new")])
def test_an_xls_list_imports_with_native_dates_and_numbers(
    cli_env: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, locale: str, summary: str
) -> None:
    monkeypatch.setenv("FOLLOWUP_LOCALE", locale)
    path = _xls(tmp_path / "出院名单.xls", GOOD)
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 0, result.output
    assert summary in result.output
    assert _stays(cli_env) == 2


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("zh_CN", ["第 3 行「出院时间」填写的「下周」无法识别为日期", "第 4 行", "未写入"]),
        ("en", ['Line 3, column "出院时间": the date "下周" was not', "Line 4", "nothing"]),
    ],
)
def test_bad_xls_rows_are_named_by_line_and_nothing_is_written(
    cli_env: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    locale: str,
    expected: list[str],
) -> None:
    monkeypatch.setenv("FOLLOWUP_LOCALE", locale)
    rows = [
        GOOD[0],
        ("ZY2", "赵六", "心内科", "下周", "是", None),
        ("ZY3", "钱七", "心内科", datetime(2026, 11, 22, 9, 0), "也许", None),
    ]
    result = runner.invoke(app, ["import", str(_xls(tmp_path / "list.xls", rows))])
    assert result.exit_code == 1
    for words in expected:
        assert words in result.output, result.output
    assert _stays(cli_env) == 0  # the good first row is not written either


def test_an_xlsx_saved_under_an_xls_name_is_read_as_xlsx(cli_env: Settings, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.append(GOOD[0])
    buffer = io.BytesIO()
    book.save(buffer)
    path = tmp_path / "renamed.xls"
    path.write_bytes(buffer.getvalue())
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 0, result.output
    assert _stays(cli_env) == 1


@pytest.mark.parametrize(("locale", "words"), [("zh_CN", "无法打开"), ("en", "could not be")])
def test_a_web_page_named_xls_is_a_clear_error(
    cli_env: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, locale: str, words: str
) -> None:
    monkeypatch.setenv("FOLLOWUP_LOCALE", locale)
    path = tmp_path / "export.xls"
    path.write_text("<html><table><tr><td>住院号</td></tr></table></html>", encoding="utf-8")
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 1
    assert words in result.output and "export.xls" in result.output
    assert "Traceback" not in result.output


def test_a_truncated_xls_is_a_clear_error_and_prints_nothing_on_stdout(
    cli_env: Settings, tmp_path: Path
) -> None:
    whole = _xls(tmp_path / "whole.xls", GOOD).read_bytes()
    path = tmp_path / "cut.xls"
    path.write_bytes(whole[: len(whole) // 2 + 7])  # the reader would warn about the size
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 1
    assert "cut.xls" in result.stderr and "无法打开" in result.stderr
    assert result.stdout == ""  # stdout is kept for scripts
    assert _stays(cli_env) == 0
