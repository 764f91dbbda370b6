"""The one settings object, read from FOLLOWUP_* environment variables and an optional .env."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import SettingsConfigDict

from bot.domain.contact_hours import parse_month_day, parse_send_windows
from bot.domain.medications.times import parse_quiet_hours, parse_times_setting
from bot.domain.plans.model import parse_duration
from bot.domain.red_flags import parse_user_ids
from bot.domain.retention import parse_retention_months
from bot.domain.staff_fields import DEFAULT_STAFF_FIELDS, parse_staff_fields
from bot.logs import parse_log_format, parse_log_level
from bot.settings_calls import CallSettings
from bot.settings_sms import SettingsError as SettingsError
from bot.settings_sms import SmsSettings
from bot.templating import LOCALES

ENV_PREFIX = "FOLLOWUP_"
TOKEN_PATTERN = re.compile(r"^\d{5,}:[A-Za-z0-9_-]{30,}$")
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/followup.db"
SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,256}$")  # what Telegram accepts, 16 at least
WECHAT_TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9]{3,32}$")  # what the WeChat console accepts
WECHAT_AES_KEY_PATTERN = re.compile(r"^[A-Za-z0-9+/]{43}$")
TEXT_PARSERS: dict[str, Callable[[str], object]] = {
    "send_windows": parse_send_windows,
    "call_hours": parse_send_windows,
    "summer_starts": parse_month_day,
    "winter_starts": parse_month_day,
    "catch_up": parse_duration,
    "survey_expiry": parse_duration,
    "medication_times": parse_times_setting,
    "quiet_hours": parse_quiet_hours,
    "staff_fields": parse_staff_fields,
    "red_flag_duty_ids": parse_user_ids,
    "log_format": parse_log_format,
    "log_level": parse_log_level,
}


WECHAT_FIXES = {
    "app_id": "set it to the AppID (开发者ID) in the account's 基本配置",
    "app_secret": "set it to the AppSecret (开发者密码) in the account's 基本配置",
    "token": "set it to the Token (令牌) entered in the account's server settings",
    "notice": "set it to the id of the notice template chosen in 模板消息 (or 订阅通知)",
}


@dataclass(frozen=True)
class WeChatAccount:
    """One WeChat service account's settings, checked (see Settings.require_wechat)."""

    app_id: str
    app_secret: str = field(repr=False)
    token: str = field(repr=False)
    aes_key: str | None = field(repr=False)
    api_base: str
    notice_template_id: str


class Settings(SmsSettings, CallSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=".env", extra="ignore", frozen=True
    )

    telegram_token: SecretStr | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"
    database_url: str = DEFAULT_DATABASE_URL
    timezone: str = "Asia/Shanghai"
    locale: str = "zh_CN"
    staff_chat_id: int | None = None
    hospital_name: str | None = None
    invite_ttl_days: int = Field(default=30, ge=1, le=365)
    identity_attempts: int = Field(default=5, ge=1, le=20)
    dispatch_interval: float = Field(default=5.0, ge=0.5, le=300)
    start_check_wait: float = Field(default=0.5, ge=0, le=86400)  # s; the rest beside start-up
    rate: float = Field(default=29.0, gt=0, le=30)
    per_chat_interval: float = Field(default=1.0, ge=0, le=60)
    send_windows: str = "09:00-11:30,15:00-20:00"  # or a preset: handbook (003 seed's hours)
    summer_starts: str = "05-01"  # seasons of a preset's windows, MM-DD
    winter_starts: str = "10-01"
    send_on_weekends: bool = True
    skip_holidays: bool = True
    holidays_dir: Path | None = None  # the office's holiday files; default messages/holidays
    catch_up: str = "2d"
    medication_times: str = ""
    quiet_hours: str = "22:00-07:00"
    medication_default_days: int = Field(default=14, ge=1, le=365)
    lease_seconds: int = Field(default=120, ge=10, le=3600)
    survey_expiry: str = "3d"
    ack_working_days: int = Field(default=1, ge=0, le=30)
    answer_days: int = Field(default=7, ge=1, le=60)
    red_flag_ack_minutes: int = Field(default=30, ge=1, le=1440)  # then escalated, once
    # a department is ranked by satisfaction from this many overall answers in the period
    rank_min_answers: int = Field(default=20, ge=1, le=10000)
    red_flag_duty_ids: str = ""  # also told of a missed red flag: the duty doctor/contact
    plans_dir: Path | None = None
    exclusions_file: Path | None = None  # default: messages/exclusions.yaml
    erasure_ledger: Path | None = None  # default: beside the SQLite file, or data/erasures.jsonl
    staff_fields: str = DEFAULT_STAFF_FIELDS
    webhook_secret: SecretStr | None = None
    log_format: str = "text"
    log_level: str = "INFO"
    wechat_app_id: str | None = None
    wechat_app_secret: SecretStr | None = None
    wechat_token: SecretStr | None = None
    wechat_aes_key: SecretStr | None = None  # set: safe mode (安全模式)
    wechat_api_base: str = "https://api.weixin.qq.com"
    wechat_notice_template_id: str | None = None
    # deliveries older than this many months are pruned by the sweeps; 0: kept for ever
    delivery_retention_months: int = 0

    @field_validator("delivery_retention_months", mode="before")
    @classmethod
    def _retention_months(cls, value: object) -> int:
        return parse_retention_months(value)  # raises ValueError saying what is expected

    @field_validator("wechat_token")
    @classmethod
    def _wechat_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not WECHAT_TOKEN_PATTERN.match(value.get_secret_value()):
            raise ValueError(
                "expected 3 to 32 letters or digits, the Token (令牌) entered in the "
                "account's server settings (基本配置)"
            )
        return value

    @field_validator("wechat_aes_key")
    @classmethod
    def _wechat_aes_key_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not WECHAT_AES_KEY_PATTERN.match(value.get_secret_value()):
            raise ValueError(
                "expected the EncodingAESKey (消息加解密密钥): exactly 43 letters and digits; "
                "leave it unset for plain mode (明文模式)"
            )
        return value

    @field_validator("telegram_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not TOKEN_PATTERN.match(value.get_secret_value()):
            raise ValueError("expected a bot token from @BotFather, like 123456:ABC-DEF...")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not SECRET_PATTERN.match(value.get_secret_value()):
            raise ValueError("expected 16 to 256 letters, digits, _ or -")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("expected an IANA time zone name such as Asia/Shanghai") from None
        return value

    @field_validator(*TEXT_PARSERS)
    @classmethod
    def _parses(cls, value: str, info: ValidationInfo) -> str:
        assert info.field_name is not None
        TEXT_PARSERS[info.field_name](value)  # raises ValueError saying what is expected
        return value

    @model_validator(mode="after")
    def _seasons_differ(self) -> Settings:
        if parse_month_day(self.summer_starts) == parse_month_day(self.winter_starts):
            raise ValueError(
                f"{ENV_PREFIX}SUMMER_STARTS and {ENV_PREFIX}WINTER_STARTS are both "
                f"{self.summer_starts}; the seasons must start on different days"
            )
        return self

    @field_validator("locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        if value not in LOCALES:
            raise ValueError(f"expected one of {', '.join(LOCALES)}")
        return value

    @field_validator("database_url")
    @classmethod
    def _supported_url(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("expected sqlite+aiosqlite:///path.db or postgresql+asyncpg://...")
        return value

    @property
    def zone(self) -> ZoneInfo:
        """Return the hospital's time zone."""
        return ZoneInfo(self.timezone)

    @property
    def shown_staff_fields(self) -> tuple[str, ...]:
        """Return the patient fields the staff group may see."""
        return parse_staff_fields(self.staff_fields)

    @property
    def red_flag_duty(self) -> tuple[int, ...]:
        """Return the Telegram ids told, besides supervisors, of a red flag not acknowledged."""
        return parse_user_ids(self.red_flag_duty_ids)

    @property
    def wechat_configured(self) -> bool:
        """Say whether the hospital runs a WeChat service account (its app id is set)."""
        return bool(self.wechat_app_id and self.wechat_app_id.strip())

    def require_wechat(self) -> WeChatAccount:
        """Return the WeChat account's settings, or fail naming every missing one."""
        missing = [
            f"{ENV_PREFIX}{name}: missing; {fix}"
            for name, value, fix in (
                ("WECHAT_APP_ID", self.wechat_app_id, WECHAT_FIXES["app_id"]),
                ("WECHAT_APP_SECRET", self.wechat_app_secret, WECHAT_FIXES["app_secret"]),
                ("WECHAT_TOKEN", self.wechat_token, WECHAT_FIXES["token"]),
                (
                    "WECHAT_NOTICE_TEMPLATE_ID",
                    self.wechat_notice_template_id,
                    WECHAT_FIXES["notice"],
                ),
            )
            if value is None or (isinstance(value, str) and not value.strip())
        ]
        if missing:
            raise SettingsError("\n".join(missing))
        assert self.wechat_app_id and self.wechat_app_secret and self.wechat_token
        assert self.wechat_notice_template_id
        aes_key = self.wechat_aes_key.get_secret_value() if self.wechat_aes_key else None
        return WeChatAccount(
            app_id=self.wechat_app_id.strip(),
            app_secret=self.wechat_app_secret.get_secret_value(),
            token=self.wechat_token.get_secret_value(),
            aes_key=aes_key,
            api_base=self.wechat_api_base.rstrip("/"),
            notice_template_id=self.wechat_notice_template_id.strip(),
        )

    def require_token(self) -> str:
        """Return the bot token, or fail with a clear message when it is not set."""
        if self.telegram_token is None:
            raise SettingsError(
                f"{ENV_PREFIX}TELEGRAM_TOKEN: missing; set it to the token @BotFather gave you"
            )
        return self.telegram_token.get_secret_value()

    def require_webhook_secret(self) -> str:
        """Return the webhook's secret token, or fail saying how to make one."""
        if self.webhook_secret is None:
            raise SettingsError(
                f"{ENV_PREFIX}WEBHOOK_SECRET: missing; webhook mode needs a secret of 16 to 256 "
                "letters, digits, _ or -, the same for every worker (e.g. openssl rand -hex 32)"
            )
        return self.webhook_secret.get_secret_value()

    def require_hospital_name(self) -> str:
        """Return the hospital's name, or fail with a clear message when it is not set."""
        if not self.hospital_name or not self.hospital_name.strip():
            raise SettingsError(
                f"{ENV_PREFIX}HOSPITAL_NAME: missing; set it to the hospital's name "
                "as patients know it"
            )
        return self.hospital_name.strip()


def describe_validation_error(error: ValidationError) -> str:
    """Turn pydantic's error into one line per bad variable, never echoing secret values."""
    lines = []
    for item in error.errors():
        reason = str(item["msg"]).removeprefix("Value error, ")
        if not item["loc"]:  # a rule over several settings names them itself
            lines.append(reason)
            continue
        lines.append(f"{ENV_PREFIX}{str(item['loc'][0]).upper()}: {reason}")
    return "\n".join(lines)


def load_settings(env_file: Path | None = Path(".env")) -> Settings:
    """Read the settings, raising SettingsError with a clear message when one is wrong."""
    try:
        return Settings(_env_file=env_file)
    except ValidationError as error:
        raise SettingsError(describe_validation_error(error)) from None
