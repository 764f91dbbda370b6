"""Choose the provider the settings name."""

from __future__ import annotations

from bot.channels.sms.aliyun import AliyunSms
from bot.channels.sms.generic import GenericSms
from bot.channels.sms.provider import SmsProvider
from bot.channels.sms.tencent import TencentSms
from bot.domain.clock import Clock
from bot.domain.sms import SmsProviderName
from bot.settings_sms import SmsAccount


def make_provider(account: SmsAccount, clock: Clock) -> SmsProvider:
    """Return the provider of FOLLOWUP_SMS_PROVIDER over one HTTP session."""
    if account.provider is SmsProviderName.ALIYUN:
        return AliyunSms(account, clock)
    if account.provider is SmsProviderName.TENCENT:
        return TencentSms(account, clock)
    return GenericSms(account)
