"""The settings of SMS and its mobile web pages (FOLLOWUP_SMS_*, FOLLOWUP_PUBLIC_URL,
FOLLOWUP_WEB_SECRET), a part of the one Settings object."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings

from bot.domain.conversation_window import NoticeKind
from bot.domain.sms import SmsProviderName, parse_sms_templates
from bot.domain.web_links import check_public_url, check_web_secret

PREFIX = "FOLLOWUP_"
DEFAULT_API_BASE = {
    SmsProviderName.ALIYUN: "https://dysmsapi.aliyuncs.com",
    SmsProviderName.TENCENT: "https://sms.tencentcloudapi.com",
}
CALLBACK_SECRET = re.compile(r"^[A-Za-z0-9_-]{16,128}$")
FIXES = {
    "SMS_KEY_ID": "set it to the AccessKey ID (Aliyun) or SecretId (Tencent), "
    "or the gateway's key name",
    "SMS_KEY_SECRET": "set it to the AccessKey Secret (Aliyun), SecretKey (Tencent) "
    "or the gateway's bearer key",
    "SMS_SIGN_NAME": "set it to the approved signature (签名), without 【】",
    "SMS_TEMPLATES": "set it to kind=TEMPLATE_CODE for every kind, e.g. check_in=SMS_1,"
    "medicine=SMS_2,reexam=SMS_3,education=SMS_4,staff_reply=SMS_5,other=SMS_6",
    "SMS_CALLBACK_SECRET": "set it to 16 or more letters, digits, _ or - (the secret part "
    "of the callback URLs; e.g. openssl rand -hex 16)",
    "SMS_APP_ID": "set it to the SmsSdkAppId of the application in Tencent's SMS console",
    "SMS_API_BASE": "set it to the gateway's base URL (its /send is called)",
}


class SettingsError(Exception):
    """A setting is missing or invalid; the message names the variable and what is expected."""


@dataclass(frozen=True)
class SmsAccount:
    """The SMS provider's settings, checked (see SmsSettings.require_sms)."""

    provider: SmsProviderName
    api_base: str
    key_id: str
    key_secret: str = field(repr=False)
    sign_name: str
    templates: dict[NoticeKind, str]
    daily_limit: int
    callback_secret: str = field(repr=False)
    app_id: str = ""  # Tencent's SmsSdkAppId


class SmsSettings(BaseSettings):
    """The FOLLOWUP_SMS_* settings (unset provider: no SMS) and the pages'."""

    sms_provider: SmsProviderName | None = None
    sms_api_base: str | None = None
    sms_key_id: str | None = None
    sms_key_secret: SecretStr | None = None
    sms_app_id: str | None = None
    sms_sign_name: str | None = None
    sms_templates: str | None = None
    sms_daily_limit: int = Field(default=10, ge=1, le=100)
    sms_callback_secret: SecretStr | None = None
    # Consenting patients with a phone and no chat contact are followed up by SMS (when the
    # SMS channel is configured); false: only patients who enrol are followed up.
    sms_auto: bool = True
    public_url: str | None = None  # where the mobile web pages are reached, e.g. https://fu.x.cn
    web_secret: SecretStr | None = None  # signs the pages' links

    @field_validator("sms_provider", mode="before")
    @classmethod
    def _known_provider(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        if isinstance(value, str) and value.strip().lower() not in set(SmsProviderName):
            raise ValueError(f"expected one of {', '.join(SmsProviderName)}, or unset for no SMS")
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("sms_templates")
    @classmethod
    def _templates_parse(cls, value: str | None) -> str | None:
        if value is not None and value.strip():
            parse_sms_templates(value)  # raises ValueError naming the kind
        return value

    @field_validator("sms_callback_secret")
    @classmethod
    def _callback_secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not CALLBACK_SECRET.match(value.get_secret_value()):
            raise ValueError("expected 16 to 128 letters, digits, _ or -")
        return value

    @field_validator("public_url")
    @classmethod
    def _public_url_shape(cls, value: str | None) -> str | None:
        return None if value is None else check_public_url(value)

    @field_validator("web_secret")
    @classmethod
    def _web_secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        return None if value is None else SecretStr(check_web_secret(value.get_secret_value()))

    @property
    def web_configured(self) -> bool:
        """Say whether the mobile web pages are set up (their URL and link secret)."""
        return self.public_url is not None and self.web_secret is not None

    def require_web(self) -> tuple[str, bytes]:
        """Return the pages' base URL and link secret, or fail naming what is missing."""
        missing = [
            f"{PREFIX}{name}"
            for name, value in (("PUBLIC_URL", self.public_url), ("WEB_SECRET", self.web_secret))
            if value is None
        ]
        if missing or self.public_url is None or self.web_secret is None:
            raise SettingsError(
                f"{' and '.join(missing)}: missing; the web pages need the public base URL "
                "(https://...) and a secret of 32 characters or more to sign their links"
            )
        return self.public_url, self.web_secret.get_secret_value().encode()

    @property
    def sms_configured(self) -> bool:
        """Say whether the hospital sends SMS (a provider is chosen)."""
        return self.sms_provider is not None

    def require_sms(self) -> SmsAccount:
        """Return the SMS provider's settings, or fail naming every missing one."""
        provider = self.sms_provider
        if provider is None:
            raise SettingsError(
                f"{PREFIX}SMS_PROVIDER: missing; set it to aliyun, tencent or generic"
            )
        api_base = self.sms_api_base or DEFAULT_API_BASE.get(provider)
        needed = {
            "SMS_KEY_SECRET": self.sms_key_secret,
            "SMS_TEMPLATES": self.sms_templates,
            "SMS_CALLBACK_SECRET": self.sms_callback_secret,
            "SMS_API_BASE": api_base,
        }
        if provider is not SmsProviderName.GENERIC:
            needed |= {"SMS_KEY_ID": self.sms_key_id, "SMS_SIGN_NAME": self.sms_sign_name}
        if provider is SmsProviderName.TENCENT:
            needed["SMS_APP_ID"] = self.sms_app_id
        missing = [name for name, value in needed.items() if not _given(value)]
        if missing:
            raise SettingsError(
                "\n".join(
                    f"{PREFIX}{name}: missing for {provider}; {FIXES[name]}" for name in missing
                )
            )
        return self._account(provider, str(api_base))

    def _account(self, provider: SmsProviderName, api_base: str) -> SmsAccount:
        assert self.sms_key_secret and self.sms_templates and self.sms_callback_secret
        return SmsAccount(
            provider=provider,
            api_base=api_base.rstrip("/"),
            key_id=(self.sms_key_id or "").strip(),
            key_secret=self.sms_key_secret.get_secret_value(),
            sign_name=(self.sms_sign_name or "").strip(),
            templates=parse_sms_templates(self.sms_templates),
            daily_limit=self.sms_daily_limit,
            callback_secret=self.sms_callback_secret.get_secret_value(),
            app_id=(self.sms_app_id or "").strip(),
        )


def _given(value: object) -> bool:
    if isinstance(value, SecretStr):
        return bool(value.get_secret_value().strip())
    return bool(value and str(value).strip())
