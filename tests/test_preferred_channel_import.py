"""The discharge list's 回访方式: stored on the stay, empty is no preference, and an unknown
way is a clear error naming the file, line, column and the ways allowed."""

from __future__ import annotations

import asyncio
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app
from bot.domain.reach import PreferredChannel
from bot.settings import Settings
from bot.storage.store import Store
from tests.discharge_rows import REQUIRED_HEADER, error_triples, minimal, parse_rows

runner = CliRunner()


def test_every_way_is_read_in_chinese_and_english(tmp_path: Path) -> None:
    words = ["微信", "Telegram", "短信", "电话", "", "WeChat", "SMS", "phone"]
    rows = [minimal(no=f"ZY{n}") + f",{word}" for n, word in enumerate(words)]
    parsed = parse_rows(tmp_path, *rows, header=REQUIRED_HEADER + ",回访方式")
    assert parsed.errors == []
    assert [r.preferred_channel for r in parsed.records] == [
        PreferredChannel.WECHAT,
        PreferredChannel.TELEGRAM,
        PreferredChannel.SMS,
        PreferredChannel.PHONE,
        None,
        PreferredChannel.WECHAT,
        PreferredChannel.SMS,
        PreferredChannel.PHONE,
    ]


def test_an_english_header_is_understood(tmp_path: Path) -> None:
    parsed = parse_rows(
        tmp_path, minimal() + ",短信", header=REQUIRED_HEADER + ",Preferred channel"
    )
    assert [r.preferred_channel for r in parsed.records] == [PreferredChannel.SMS]


def test_an_unknown_way_is_an_error_with_line_column_and_the_ways_allowed(tmp_path: Path) -> None:
    parsed = parse_rows(tmp_path, minimal() + ",邮件", header=REQUIRED_HEADER + ",回访方式")
    assert parsed.records == []
    assert error_triples(parsed) == [(2, "回访方式", "bad_preferred_channel")]
    [error] = parsed.errors
    assert error.value == "邮件"
    assert all(word in str(error.params["allowed"]) for word in ("微信", "短信", "电话"))


def test_the_cli_names_the_file_and_nothing_is_written(cli_env: Settings, tmp_path: Path) -> None:
    path = tmp_path / "十一月.csv"
    body = "\n".join(
        [REQUIRED_HEADER + ",回访方式", minimal() + ",微信", minimal(no="ZY2") + ",信鸽"]
    )
    path.write_text(body + "\n", encoding="utf-8")
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 1
    assert "十一月.csv" in result.output and "第 3 行" in result.output
    assert "回访方式" in result.output and "信鸽" in result.output
    assert "微信 / Telegram / 短信 / 电话" in result.output


def test_the_way_is_stored_on_the_stay(cli_env: Settings, tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    rows = [minimal() + ",电话", minimal(no="ZY2") + ","]
    path.write_text("\n".join([REQUIRED_HEADER + ",回访方式", *rows]) + "\n", encoding="utf-8")
    assert runner.invoke(app, ["import", str(path)]).exit_code == 0

    async def stored() -> list[str | None]:
        store = Store.open(cli_env.database_url)
        found = [await store.episodes.latest_for(no) for no in ("ZY1", "ZY2")]
        await store.close()
        return [episode.preferred_channel if episode else "missing" for episode in found]

    assert asyncio.run(stored()) == ["phone", None]
