"""The providers' reply and receipt callbacks through real HTTP: replies handed on as
(SMS address, words), receipts recorded on their text, bad bodies refused with 400."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest

from bot.channels.sms.handlers import callback_path
from bot.domain.channel_messages import Address, ChannelName
from bot.domain.conversation_window import NoticeKind
from bot.domain.sms import SmsProviderName, SmsStatus
from tests.harness import START
from tests.sms_world import PHONE, SmsWorld, sms_world

PROVIDERS = list(SmsProviderName)
ACKS = {
    SmsProviderName.ALIYUN: {"code": 0, "msg": "成功"},
    SmsProviderName.TENCENT: {"result": 0, "errmsg": "OK"},
    SmsProviderName.GENERIC: {"ok": True},
}


def url(world: SmsWorld, what: str, secret: str | None = None) -> str:
    path = callback_path(world.account.provider, secret or world.account.callback_secret, what)
    return world.callbacks_base + path


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_a_reply_is_handed_on_as_sms_text(tmp_path: Path, provider: SmsProviderName) -> None:
    async with sms_world(tmp_path, provider) as world:
        assert await world.fake.user_replies(PHONE, "TD") == 200
        assert await world.fake.user_replies(PHONE, "1") == 200
        assert world.replies == [
            (Address(ChannelName.SMS, PHONE), "TD"),
            (Address(ChannelName.SMS, PHONE), "1"),
        ]


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_the_provider_gets_its_own_acknowledgement(
    tmp_path: Path, provider: SmsProviderName
) -> None:
    async with sms_world(tmp_path, provider) as world, httpx.AsyncClient() as client:
        body = {
            SmsProviderName.ALIYUN: [{"phone_number": PHONE, "content": "满意"}],
            SmsProviderName.TENCENT: {"mobile": PHONE, "nationcode": "86", "text": "满意"},
            SmsProviderName.GENERIC: {"from": PHONE, "text": "满意"},
        }[provider]
        response = await client.post(url(world, "reply"), json=body)
        assert (response.status_code, response.json()) == (200, ACKS[provider])
        assert world.replies == [(Address(ChannelName.SMS, PHONE), "满意")]


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("delivered", [True, False])
async def test_a_receipt_is_recorded_on_its_text(
    tmp_path: Path, provider: SmsProviderName, delivered: bool
) -> None:
    async with sms_world(tmp_path, provider) as world:
        sent = await world.notices.send(PHONE, NoticeKind.CHECK_IN, "Ab3dE6gH9k", START)
        [text] = world.fake.sends
        assert await world.fake.deliver(text, delivered, "" if delivered else "MK:0001") == 200
        record = await world.store.sms_messages.find(provider, sent.ref)
        assert record is not None
        assert record.status is (SmsStatus.DELIVERED if delivered else SmsStatus.FAILED)
        assert record.receipt_at == START
        if not delivered:
            assert record.receipt_code == "MK:0001"


async def test_a_receipt_for_an_unknown_text_is_answered_and_changes_nothing(
    tmp_path: Path,
) -> None:
    async with sms_world(tmp_path) as world, httpx.AsyncClient() as client:
        body = [{"biz_id": "nobody^0", "success": True, "err_code": "DELIVERED"}]
        response = await client.post(url(world, "receipt"), json=body)
        assert response.status_code == 200


BAD_BODIES = [
    b"not json",
    b'["a string"]',
    b'[{"content": "TD"}]',
    b'[{"phone_number": "12345", "content": "TD"}]',
]


@pytest.mark.parametrize("body", BAD_BODIES)
async def test_a_bad_body_is_refused_with_a_clear_log_line(
    tmp_path: Path, body: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.channels.sms.handlers")
    async with sms_world(tmp_path) as world, httpx.AsyncClient() as client:
        response = await client.post(url(world, "reply"), content=body)
        assert response.status_code == 400
        assert world.replies == []
    assert "sms reply callback from aliyun refused" in caplog.text
    assert "12345" not in caplog.text


async def test_a_wrong_secret_finds_nothing(tmp_path: Path) -> None:
    async with sms_world(tmp_path) as world, httpx.AsyncClient() as client:
        wrong = url(world, "reply", secret="not-the-secret-at-all")
        response = await client.post(wrong, json=[{"phone_number": PHONE, "content": "TD"}])
        assert response.status_code == 404
        assert world.replies == []


async def test_a_reply_not_handled_is_answered_500_for_the_provider_to_retry(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with sms_world(tmp_path) as world:
        world.inbox_down = True
        assert await world.fake.user_replies(PHONE, "我胸口很痛") == 500
        world.inbox_down = False
        assert await world.fake.user_replies(PHONE, "我胸口很痛") == 200  # the retry
        assert world.replies == [(Address(ChannelName.SMS, PHONE), "我胸口很痛")]
    assert "sms reply from aliyun not handled: RuntimeError" in caplog.text
    assert "我胸口很痛" not in caplog.text
    assert PHONE not in caplog.text
