"""Settings: defaults, and one clear line per bad variable with exit code 2."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.settings import SettingsError, load_settings

runner = CliRunner()


def test_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("TELEGRAM_TOKEN", "DATABASE_URL", "TIMEZONE", "LOCALE", "HOSPITAL_NAME"):
        monkeypatch.delenv(f"FOLLOWUP_{name}", raising=False)
    settings = load_settings(env_file=None)
    assert settings.database_url == "sqlite+aiosqlite:///./data/followup.db"
    assert (settings.timezone, settings.locale) == ("Asia/Shanghai", "zh_CN")
    assert settings.telegram_base_url == "https://api.telegram.org/bot"


def test_env_file_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("FOLLOWUP_HOSPITAL_NAME", raising=False)
    env = tmp_path / ".env"
    env.write_text("FOLLOWUP_HOSPITAL_NAME=市第一人民医院\nFOLLOWUP_LOCALE=en\n", encoding="utf-8")
    settings = load_settings(env_file=env)
    assert (settings.hospital_name, settings.locale) == ("市第一人民医院", "en")


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("TIMEZONE", "Mars/Olympus", "FOLLOWUP_TIMEZONE: expected an IANA time zone name"),
        ("LOCALE", "fr", "FOLLOWUP_LOCALE: expected one of zh_CN, en"),
        ("TELEGRAM_TOKEN", "not-a-token", "FOLLOWUP_TELEGRAM_TOKEN: expected a bot token"),
        ("DATABASE_URL", "mysql://x", "FOLLOWUP_DATABASE_URL: expected sqlite+aiosqlite"),
        ("STAFF_CHAT_ID", "group", "FOLLOWUP_STAFF_CHAT_ID:"),
        ("RED_FLAG_ACK_MINUTES", "0", "FOLLOWUP_RED_FLAG_ACK_MINUTES: Input should be greater"),
        ("RED_FLAG_ACK_MINUTES", "half an hour", "FOLLOWUP_RED_FLAG_ACK_MINUTES: Input should"),
        ("RED_FLAG_DUTY_IDS", "123,dr-wang", "FOLLOWUP_RED_FLAG_DUTY_IDS: 'dr-wang' is not"),
    ],
)
def test_bad_setting_is_named(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(f"FOLLOWUP_{variable}", value)
    with pytest.raises(SettingsError) as caught:
        load_settings(env_file=None)
    assert str(caught.value).startswith(expected)
    assert "\n" not in str(caught.value)


def test_cli_exits_2_with_one_line_and_never_prints_the_token(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    secret = "123456:" + "S" * 34
    monkeypatch.setenv("FOLLOWUP_TELEGRAM_TOKEN", secret)
    monkeypatch.setenv("FOLLOWUP_TIMEZONE", "Nowhere/Land")
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "FOLLOWUP_TIMEZONE: expected an IANA time zone name such as Asia/Shanghai"
    ]
    assert secret not in result.output


def test_run_without_token_says_what_to_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FOLLOWUP_TELEGRAM_TOKEN", raising=False)
    monkeypatch.setenv("FOLLOWUP_HOSPITAL_NAME", "市第一人民医院")
    result = runner.invoke(app, ["run"])
    assert result.exit_code == 2
    assert "FOLLOWUP_TELEGRAM_TOKEN: missing" in result.output


def test_run_without_hospital_name_says_what_to_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOLLOWUP_TELEGRAM_TOKEN", "123456:" + "S" * 34)
    monkeypatch.delenv("FOLLOWUP_HOSPITAL_NAME", raising=False)
    result = runner.invoke(app, ["run"])
    assert result.exit_code == 2
    assert "FOLLOWUP_HOSPITAL_NAME: missing" in result.output


def test_bad_send_windows_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOLLOWUP_SEND_WINDOWS", "09:00-08:00")
    with pytest.raises(SettingsError) as caught:
        load_settings(env_file=None)
    assert str(caught.value).startswith("FOLLOWUP_SEND_WINDOWS:")


def test_a_broken_plan_stops_run_with_its_file_step_and_field(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    plans = tmp_path / "plans"
    shutil.copytree(Path("messages/plans"), plans)
    general = plans / "general.yaml"
    general.write_text(
        general.read_text(encoding="utf-8").replace("offset: 3d", "offset: 3x"), encoding="utf-8"
    )
    monkeypatch.setenv("FOLLOWUP_TELEGRAM_TOKEN", "123456:" + "S" * 34)
    monkeypatch.setenv("FOLLOWUP_HOSPITAL_NAME", "市第一人民医院")
    monkeypatch.setenv("FOLLOWUP_PLANS_DIR", str(plans))
    monkeypatch.setenv("FOLLOWUP_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/x.db")
    result = runner.invoke(app, ["run"])
    assert result.exit_code == 2
    assert "general.yaml, step day3, field offset" in result.output
    assert "Traceback" not in result.output
