"""The SMS settings: unset means no SMS; each missing or wrong one is named with its fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.domain.conversation_window import NoticeKind
from bot.domain.sms import SmsProviderName
from bot.settings import Settings, SettingsError, describe_validation_error

TEMPLATES = (
    "check_in=SMS_1,medicine=SMS_2,reexam=SMS_3,education=SMS_4,staff_reply=SMS_5,other=SMS_6"
)
FULL = {
    "FOLLOWUP_SMS_PROVIDER": "aliyun",
    "FOLLOWUP_SMS_KEY_ID": "LTAI-key",
    "FOLLOWUP_SMS_KEY_SECRET": "secret",
    "FOLLOWUP_SMS_SIGN_NAME": "市第一人民医院",
    "FOLLOWUP_SMS_TEMPLATES": TEMPLATES,
    "FOLLOWUP_SMS_CALLBACK_SECRET": "a-callback-secret-16",
}


def load(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, env: dict[str, str]) -> Settings:
    monkeypatch.chdir(tmp_path)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Settings(_env_file=None)


def error_of(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, env: dict[str, str]) -> str:
    with pytest.raises(ValidationError) as caught:
        load(monkeypatch, tmp_path, env)
    return describe_validation_error(caught.value)


def test_no_provider_means_no_sms(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    settings = load(monkeypatch, tmp_path, {})
    assert not settings.sms_configured
    with pytest.raises(SettingsError, match="FOLLOWUP_SMS_PROVIDER: missing"):
        settings.require_sms()


def test_aliyun_with_its_default_endpoint(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    account = load(monkeypatch, tmp_path, FULL).require_sms()
    assert account.provider is SmsProviderName.ALIYUN
    assert account.api_base == "https://dysmsapi.aliyuncs.com"
    assert account.templates[NoticeKind.STAFF_REPLY] == "SMS_5"
    assert account.daily_limit == 10
    assert "secret" not in repr(account)


def test_tencent_needs_its_app_id(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    settings = load(monkeypatch, tmp_path, FULL | {"FOLLOWUP_SMS_PROVIDER": "tencent"})
    with pytest.raises(SettingsError, match="FOLLOWUP_SMS_APP_ID: missing for tencent"):
        settings.require_sms()
    monkeypatch.setenv("FOLLOWUP_SMS_APP_ID", "1400006666")
    account = Settings(_env_file=None).require_sms()
    assert (account.api_base, account.app_id) == ("https://sms.tencentcloudapi.com", "1400006666")


def test_the_generic_gateway_needs_its_base(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = load(monkeypatch, tmp_path, FULL | {"FOLLOWUP_SMS_PROVIDER": "generic"})
    with pytest.raises(SettingsError, match="FOLLOWUP_SMS_API_BASE: missing for generic"):
        settings.require_sms()


def test_every_missing_setting_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    settings = load(monkeypatch, tmp_path, {"FOLLOWUP_SMS_PROVIDER": "aliyun"})
    with pytest.raises(SettingsError) as caught:
        settings.require_sms()
    for name in ("KEY_ID", "KEY_SECRET", "SIGN_NAME", "TEMPLATES", "CALLBACK_SECRET"):
        assert f"FOLLOWUP_SMS_{name}: missing for aliyun" in str(caught.value)


@pytest.mark.parametrize(
    ("env", "said"),
    [
        ({"FOLLOWUP_SMS_PROVIDER": "twilio"}, "FOLLOWUP_SMS_PROVIDER: expected one of aliyun"),
        (
            {"FOLLOWUP_SMS_TEMPLATES": TEMPLATES.replace("reexam=SMS_3,", "")},
            "FOLLOWUP_SMS_TEMPLATES: no template code for reexam",
        ),
        (
            {"FOLLOWUP_SMS_TEMPLATES": TEMPLATES + ",checkup=SMS_9"},
            "FOLLOWUP_SMS_TEMPLATES: unknown kind 'checkup'",
        ),
        (
            {"FOLLOWUP_SMS_TEMPLATES": TEMPLATES.replace("other=SMS_6", "other")},
            "FOLLOWUP_SMS_TEMPLATES: 'other' is not kind=TEMPLATE_CODE",
        ),
        ({"FOLLOWUP_SMS_CALLBACK_SECRET": "short"}, "FOLLOWUP_SMS_CALLBACK_SECRET: expected 16"),
        ({"FOLLOWUP_SMS_DAILY_LIMIT": "0"}, "FOLLOWUP_SMS_DAILY_LIMIT:"),
    ],
)
def test_a_wrong_setting_is_named_with_what_is_expected(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, env: dict[str, str], said: str
) -> None:
    message = error_of(monkeypatch, tmp_path, FULL | env)
    assert said in message
    assert "a-callback-secret-16" not in message
