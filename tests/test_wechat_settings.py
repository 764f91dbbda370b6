"""WeChat's settings: shapes checked, every missing one named, and `followup check` fetching
a token from the fake WeChat API run as a process."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from benchmarks.common import free_port
from bot.cli import app
from bot.settings import Settings, SettingsError, load_settings
from tests.wechat_world import AES_KEY

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]
SECRET = "fake-app-secret"


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("WECHAT_TOKEN", "ab", "FOLLOWUP_WECHAT_TOKEN: expected 3 to 32 letters or digits"),
        ("WECHAT_TOKEN", "has-dash", "FOLLOWUP_WECHAT_TOKEN: expected 3 to 32"),
        ("WECHAT_AES_KEY", AES_KEY[:-1], "FOLLOWUP_WECHAT_AES_KEY: expected the EncodingAESKey"),
        ("WECHAT_AES_KEY", AES_KEY[:-1] + "=", "FOLLOWUP_WECHAT_AES_KEY: expected"),
    ],
)
def test_bad_wechat_settings_are_named(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(f"FOLLOWUP_{variable}", value)
    with pytest.raises(SettingsError) as caught:
        load_settings(env_file=None)
    assert str(caught.value).startswith(expected)
    assert value not in str(caught.value)


def test_require_wechat_names_every_missing_setting_and_where_to_find_it() -> None:
    settings = Settings(_env_file=None, wechat_app_id="wx123")
    assert settings.wechat_configured
    with pytest.raises(SettingsError) as caught:
        settings.require_wechat()
    lines = str(caught.value).splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "FOLLOWUP_WECHAT_APP_SECRET",
        "FOLLOWUP_WECHAT_TOKEN",
        "FOLLOWUP_WECHAT_NOTICE_TEMPLATE_ID",
    ]
    assert "基本配置" in lines[0]
    assert not Settings(_env_file=None).wechat_configured


def test_require_wechat_gives_the_account_without_showing_secrets() -> None:
    settings = Settings(
        _env_file=None,
        wechat_app_id="wx123",
        wechat_app_secret="s3cret-value",
        wechat_token="tok123",
        wechat_aes_key=AES_KEY,
        wechat_notice_template_id="tpl",
        wechat_api_base="http://127.0.0.1:1/",
    )
    account = settings.require_wechat()
    assert (account.app_id, account.aes_key, account.api_base) == (
        "wx123",
        AES_KEY,
        "http://127.0.0.1:1",
    )
    assert "s3cret-value" not in repr(account) and AES_KEY not in repr(account)


@pytest.fixture
def fake_wechat_port() -> Iterator[int]:
    port = free_port()
    command = [sys.executable, "-m", "tests.fakes.http_wechat", "--port", str(port)]
    process = subprocess.Popen([*command, "--app-secret", SECRET], cwd=ROOT)
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/calls", timeout=2) as got:
                    json.loads(got.read())
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        process.kill()
        process.wait()


def _wechat_env(monkeypatch: pytest.MonkeyPatch, port: int, secret: str) -> None:
    monkeypatch.setenv("FOLLOWUP_WECHAT_APP_ID", "wxfake0000000001")
    monkeypatch.setenv("FOLLOWUP_WECHAT_APP_SECRET", secret)
    monkeypatch.setenv("FOLLOWUP_WECHAT_TOKEN", "faketoken")
    monkeypatch.setenv("FOLLOWUP_WECHAT_NOTICE_TEMPLATE_ID", "notice-template")
    monkeypatch.setenv("FOLLOWUP_WECHAT_API_BASE", f"http://127.0.0.1:{port}")


def _fetches(port: int) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/calls", timeout=2) as answer:
        return int(json.loads(answer.read())["token_fetches"])


def test_check_fetches_a_token_and_names_a_wrong_secret(
    cli_env: Settings, fake_wechat_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    _wechat_env(monkeypatch, fake_wechat_port, SECRET)
    result = runner.invoke(app, ["check"])
    assert "WECHAT" not in result.output, result.output
    assert _fetches(fake_wechat_port) == 1
    _wechat_env(monkeypatch, fake_wechat_port, "wrong-secret")
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1
    assert "40125" in result.output and "FOLLOWUP_WECHAT_APP_SECRET" in result.output
    assert "wrong-secret" not in result.output


def test_check_names_an_unreachable_wechat_api(
    cli_env: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    _wechat_env(monkeypatch, free_port(), SECRET)
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1
    assert "FOLLOWUP_WECHAT_API_BASE" in result.output


def test_check_reports_wechat_working_and_the_staff_desks_missing_token(
    cli_env: Settings, fake_wechat_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    monkeypatch.delenv("FOLLOWUP_TELEGRAM_TOKEN", raising=False)
    _wechat_env(monkeypatch, fake_wechat_port, SECRET)
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1
    assert "微信服务号:已成功获取 access_token" in result.output
    assert "员工工作台是 Telegram 员工群" in result.output
    assert "FOLLOWUP_TELEGRAM_TOKEN: missing" not in result.output  # said once, the WeChat way
    assert "Telegram:机器人令牌有效" not in result.output


def test_run_says_the_staff_desk_needs_the_telegram_token(
    cli_env: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FOLLOWUP_TELEGRAM_TOKEN", raising=False)
    _wechat_env(monkeypatch, free_port(), SECRET)
    monkeypatch.setenv("FOLLOWUP_LOCALE", "en")
    result = runner.invoke(app, ["run"])
    assert result.exit_code == 2
    assert "the staff desk is the Telegram staff group" in result.output
    assert "FOLLOWUP_TELEGRAM_TOKEN" in result.output
