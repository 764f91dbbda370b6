"""The providers' documented limits as the fake enforces them, with each provider's own
error, and what our SendSms makes of each: the account's requests a second (tried again the
next second), a number's hour (an hour later) and its minute, Tencent's same text within 30
seconds; a limit refuses that text only."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.channels.sms.provider import SmsRequest
from bot.domain.channel_messages import FaultKind, SendFault
from bot.domain.sms import SmsProviderName
from tests.sms_world import PHONE, sms_world

PROVIDERS = list(SmsProviderName)
HOUR = 3600.0
OTHER_PHONE = "13900139000"


def request(code: str = "Ab3dE6gH9k", phone: str = PHONE) -> SmsRequest:
    return SmsRequest(phone, "SMS_1", {"code": code}, code)


@pytest.mark.parametrize(
    ("provider", "code", "retry_after"),
    [
        (SmsProviderName.ALIYUN, "aliyun:Throttling.User", 1.0),
        (SmsProviderName.TENCENT, "tencent:RequestLimitExceeded", 1.0),
        (SmsProviderName.GENERIC, "sms_http_429", None),
    ],
)
async def test_the_accounts_requests_a_second_are_retried_the_next_second(
    tmp_path: Path, provider: SmsProviderName, code: str, retry_after: float | None
) -> None:
    async with sms_world(tmp_path, provider, per_second=2) as world:
        await world.provider.send(request("code000001"))
        await world.provider.send(request("code000002", OTHER_PHONE))
        with pytest.raises(SendFault) as caught:
            await world.provider.send(request("code000003", OTHER_PHONE))
        fault = caught.value
        assert (fault.kind, fault.reason, fault.retry_after) == (FaultKind.RETRY, code, retry_after)
        assert not fault.throttled  # the provider's limit never pauses the other channels
        world.clock.advance(timedelta(seconds=1))
        await world.provider.send(request("code000003", OTHER_PHONE))
        assert len(world.fake.sends) == 3


@pytest.mark.parametrize(
    ("provider", "code", "retry_after"),
    [
        (SmsProviderName.ALIYUN, "aliyun:isv.BUSINESS_LIMIT_CONTROL", HOUR),
        (SmsProviderName.TENCENT, "tencent:LimitExceeded.PhoneNumberOneHourLimit", HOUR),
        (SmsProviderName.GENERIC, "sms_http_429", None),
    ],
)
async def test_a_numbers_hourly_limit_waits_an_hour_and_other_numbers_go(
    tmp_path: Path, provider: SmsProviderName, code: str, retry_after: float | None
) -> None:
    async with sms_world(tmp_path, provider, hour_limit=1) as world:
        await world.provider.send(request("code000001"))
        with pytest.raises(SendFault) as caught:
            await world.provider.send(request("code000002"))
        fault = caught.value
        assert (fault.kind, fault.reason, fault.retry_after) == (FaultKind.RETRY, code, retry_after)
        await world.provider.send(request("code000003", OTHER_PHONE))
        world.clock.advance(timedelta(hours=1))
        await world.provider.send(request("code000002"))
        assert [send.phone for send in world.fake.sends] == [PHONE, OTHER_PHONE, PHONE]


@pytest.mark.parametrize(
    ("provider", "span"), [(SmsProviderName.ALIYUN, 60), (SmsProviderName.TENCENT, 30)]
)
async def test_a_numbers_short_limit_is_a_retry_until_its_span_passed(
    tmp_path: Path, provider: SmsProviderName, span: int
) -> None:
    async with sms_world(tmp_path, provider, short_limit=1) as world:
        await world.provider.send(request("code000001"))
        with pytest.raises(SendFault) as caught:
            await world.provider.send(request("code000002"))
        assert caught.value.kind is FaultKind.RETRY
        assert world.fake.state.refused[-1] in (
            "isv.BUSINESS_LIMIT_CONTROL",
            "LimitExceeded.PhoneNumberThirtySecondLimit",
        )
        world.clock.advance(timedelta(seconds=span))
        await world.provider.send(request("code000002"))
        assert len(world.fake.sends) == 2


async def test_aliyuns_limit_says_which_one_in_its_words(tmp_path: Path) -> None:
    async with sms_world(tmp_path, SmsProviderName.ALIYUN, short_limit=1) as world:
        await world.provider.send(request("code000001"))
        with pytest.raises(SendFault) as caught:
            await world.provider.send(request("code000002"))
        assert caught.value.detail == "触发分钟级流控Permits:1"


async def test_tencent_refuses_the_same_text_to_a_number_within_30_seconds(
    tmp_path: Path,
) -> None:
    async with sms_world(tmp_path, SmsProviderName.TENCENT) as world:
        await world.provider.send(request("code000001"))
        with pytest.raises(SendFault) as caught:
            await world.provider.send(request("code000001"))
        assert caught.value.reason == "tencent:LimitExceeded.PhoneNumberThirtySecondLimit"
        await world.provider.send(request("code000002"))  # another link's code: another text
        world.clock.advance(timedelta(seconds=30))
        await world.provider.send(request("code000001"))
        assert len(world.fake.sends) == 3
