"""`followup check` reports the SMS channel without sending anything: the provider, the
signature, each template's code and wording in parts, and the callback URLs; SMS without
the pages' settings is a problem naming them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.cli import app
from bot.demo.fake_sms import CALLBACK_SECRET, TEMPLATES
from bot.domain.conversation_window import NoticeKind
from bot.settings import Settings
from tests.test_check import _environment, fake_api, runner

__all__ = ["fake_api"]  # the fixture, used by name
PUBLIC_URL = "https://fu.hospital.example.cn"


def _sms(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, pages: bool = True) -> None:
    values = {
        "SMS_PROVIDER": "aliyun",
        "SMS_KEY_ID": "key-id",
        "SMS_KEY_SECRET": "key-secret",
        "SMS_SIGN_NAME": "市第一人民医院",
        "SMS_TEMPLATES": TEMPLATES,
        "SMS_CALLBACK_SECRET": CALLBACK_SECRET,
        "HOLIDAYS_DIR": str(tmp_path / "holidays"),
    }
    if pages:
        values |= {"PUBLIC_URL": PUBLIC_URL, "WEB_SECRET": "w" * 40}
    for name, value in values.items():
        monkeypatch.setenv(f"FOLLOWUP_{name}", value)
    (tmp_path / "holidays").mkdir()
    for year in (date.today().year, date.today().year + 1):
        (tmp_path / "holidays" / f"{year}.txt").write_text(f"放假 {year}-10-01 国庆节\n")


def test_check_reports_the_sms_channel_without_its_secret(
    cli_env: Settings, fake_api: int, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _environment(monkeypatch, fake_api)
    _sms(monkeypatch, tmp_path)
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0, result.output
    assert "服务商 aliyun" in result.output and "【市第一人民医院】" in result.output
    for index, kind in enumerate(NoticeKind, 1):
        assert f"短信模板 {kind.value} = SMS_{index},1 条计费" in result.output
    assert f"{PUBLIC_URL}/r/${{code}}" in result.output  # a staff reply's: the replies page
    assert f"{PUBLIC_URL}/sms/aliyun/<FOLLOWUP_SMS_CALLBACK_SECRET>/reply" in result.output
    assert CALLBACK_SECRET not in result.output


def test_sms_without_the_pages_is_a_problem_naming_them(
    cli_env: Settings, fake_api: int, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _environment(monkeypatch, fake_api)
    _sms(monkeypatch, tmp_path, pages=False)
    monkeypatch.delenv("FOLLOWUP_PUBLIC_URL", raising=False)
    monkeypatch.delenv("FOLLOWUP_WEB_SECRET", raising=False)
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(app, ["check"])
    assert result.exit_code != 0
    assert "FOLLOWUP_PUBLIC_URL" in result.output and "FOLLOWUP_WEB_SECRET" in result.output
