"""The three providers' SendSms against the fake provider: the request's shape and
signature as the fake verifies them, error codes as neutral faults, the fake's limit."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from bot.channels.sms.provider import SmsRequest
from bot.channels.sms.providers import make_provider
from bot.domain.channel_messages import FaultKind, SendFault
from bot.domain.sms import SmsProviderName
from tests.sms_world import PHONE, sms_world

PROVIDERS = list(SmsProviderName)
DAY = 24 * 3600.0
REQUEST = SmsRequest(PHONE, "SMS_1", {"code": "Ab3dE6gH9k"}, "Ab3dE6gH9k")


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_a_text_goes_with_its_template_and_code(
    tmp_path: Path, provider: SmsProviderName
) -> None:
    async with sms_world(tmp_path, provider) as world:
        ident = await world.provider.send(REQUEST)
        [sent] = world.fake.sends
        assert (sent.provider, sent.phone, sent.template, sent.id) == (
            provider,
            PHONE,
            "SMS_1",
            ident,
        )
        assert list(sent.params.values()) == ["Ab3dE6gH9k"]
        assert world.fake.state.refused == []


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_a_wrong_secret_is_refused_and_nothing_is_sent(
    tmp_path: Path, provider: SmsProviderName
) -> None:
    async with sms_world(tmp_path, provider) as world:
        wrong = world.account.__class__(**{**world.account.__dict__, "key_secret": "not-it"})
        client = make_provider(wrong, world.clock)
        with pytest.raises(SendFault) as caught:
            await client.send(REQUEST)
        await client.aclose()
        assert caught.value.kind is FaultKind.FAILED
        assert world.fake.sends == []


CODES = [
    (SmsProviderName.ALIYUN, "isv.BUSINESS_LIMIT_CONTROL", FaultKind.RETRY),
    (SmsProviderName.ALIYUN, "isv.DAY_LIMIT_CONTROL", FaultKind.RETRY),
    (SmsProviderName.ALIYUN, "Throttling.User", FaultKind.RETRY),
    (SmsProviderName.ALIYUN, "ServiceUnavailable", FaultKind.RETRY),
    (SmsProviderName.ALIYUN, "isv.MOBILE_NUMBER_ILLEGAL", FaultKind.UNREACHABLE),
    (SmsProviderName.ALIYUN, "isv.SMS_TEMPLATE_ILLEGAL", FaultKind.FAILED),
    (SmsProviderName.ALIYUN, "isv.SMS_SIGNATURE_ILLEGAL", FaultKind.FAILED),
    (SmsProviderName.ALIYUN, "isv.OUT_OF_SERVICE", FaultKind.RETRY),
    (SmsProviderName.TENCENT, "LimitExceeded.PhoneNumberDailyLimit", FaultKind.RETRY),
    (SmsProviderName.TENCENT, "LimitExceeded.PhoneNumberThirtySecondLimit", FaultKind.RETRY),
    (SmsProviderName.TENCENT, "RequestLimitExceeded", FaultKind.RETRY),
    (SmsProviderName.TENCENT, "InternalError.Timeout", FaultKind.RETRY),
    (SmsProviderName.TENCENT, "FailedOperation.PhoneNumberInBlacklist", FaultKind.UNREACHABLE),
    (SmsProviderName.TENCENT, "InvalidParameterValue.IncorrectPhoneNumber", FaultKind.UNREACHABLE),
    (SmsProviderName.TENCENT, "FailedOperation.TemplateIncorrectOrUnapproved", FaultKind.FAILED),
    (SmsProviderName.TENCENT, "FailedOperation.InsufficientBalanceInSmsPackage", FaultKind.RETRY),
    (SmsProviderName.TENCENT, "InternalError.SigVerificationFail", FaultKind.FAILED),
    (SmsProviderName.GENERIC, "429", FaultKind.RETRY),
    (SmsProviderName.GENERIC, "503", FaultKind.RETRY),
    (SmsProviderName.GENERIC, "410", FaultKind.UNREACHABLE),
    (SmsProviderName.GENERIC, "400", FaultKind.FAILED),
]


@pytest.mark.parametrize(("provider", "code", "kind"), CODES)
async def test_a_refusal_is_a_neutral_fault(
    tmp_path: Path, provider: SmsProviderName, code: str, kind: FaultKind
) -> None:
    async with sms_world(tmp_path, provider) as world:
        world.fake.state.fail_next(code)
        with pytest.raises(SendFault) as caught:
            await world.provider.send(REQUEST)
        assert caught.value.kind is kind
        assert code in caught.value.reason
        assert world.fake.sends == []
        await world.provider.send(REQUEST)  # only the next call was refused
        assert len(world.fake.sends) == 1


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_the_providers_daily_limit_is_a_retry(
    tmp_path: Path, provider: SmsProviderName
) -> None:
    async with sms_world(tmp_path, provider, daily_limit=2) as world:
        for n in range(2):  # each with its own link code (Tencent refuses a same text in 30 s)
            await world.provider.send(SmsRequest(PHONE, "SMS_1", {"code": f"code{n}"}, f"o{n}"))
        with pytest.raises(SendFault) as caught:
            await world.provider.send(REQUEST)
        assert caught.value.kind is FaultKind.RETRY
        if provider is not SmsProviderName.GENERIC:
            assert caught.value.retry_after == DAY
        assert len(world.fake.sends) == 2


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_a_provider_out_of_reach_is_a_retry(
    tmp_path: Path, provider: SmsProviderName
) -> None:
    async with sms_world(tmp_path, provider) as world:
        with socket.socket() as closed:
            closed.bind(("127.0.0.1", 0))
            port = closed.getsockname()[1]
        gone = world.account.__class__(
            **{**world.account.__dict__, "api_base": f"http://127.0.0.1:{port}"}
        )
        client = make_provider(gone, world.clock)
        with pytest.raises(SendFault) as caught:
            await client.send(REQUEST)
        await client.aclose()
        assert caught.value.kind is FaultKind.RETRY
