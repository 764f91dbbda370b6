"""The notice SMS: the kind's template with the link's code, recorded without its words
or number, within our per-number daily limit and the provider's; and text lengths."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.channels.sms.notices import registered_texts
from bot.domain.channel_messages import Address, ChannelName, FaultKind, SendFault
from bot.domain.conversation_window import NoticeKind
from bot.domain.sms import SmsProviderName, SmsStatus, normalize_phone, sms_parts
from bot.storage.schema import sms_messages
from bot.storage.sms_messages import forget_phone
from bot.templating import LOCALES, Renderer
from tests.harness import START
from tests.sms_world import LINK_PREFIX, PHONE, sms_world

TOKEN = "Ab3dE6gH9k"
# START is 10:00 in Shanghai: the local day ends in 14 hours
UNTIL_MIDNIGHT = 14 * 3600.0


@pytest.mark.parametrize("provider", list(SmsProviderName))
async def test_a_notice_goes_as_its_kinds_template_and_is_recorded(
    tmp_path: Path, provider: SmsProviderName
) -> None:
    async with sms_world(tmp_path, provider) as world:
        sent = await world.notices.send("+86 138-0013-8000", NoticeKind.CHECK_IN, TOKEN, START)
        [text] = world.fake.sends
        assert sent.address == Address(ChannelName.SMS, PHONE)
        assert text.template == world.account.templates[NoticeKind.CHECK_IN] == "SMS_1"
        assert list(text.params.values()) == [TOKEN]
        record = await world.store.sms_messages.find(provider, sent.ref)
        assert record is not None
        assert (record.kind, record.status, record.sent_at) == (
            NoticeKind.CHECK_IN,
            SmsStatus.SENT,
            START,
        )
        assert record.parts == 1
        async with world.store.engine.connect() as conn:
            rows = (await conn.execute(select(sms_messages))).all()
        assert not any(PHONE in str(value) or TOKEN in str(value) for value in rows[0])


async def test_our_daily_limit_holds_texts_until_the_next_local_day(tmp_path: Path) -> None:
    async with sms_world(tmp_path, settings={"sms_daily_limit": 2}) as world:
        await world.notices.send(PHONE, NoticeKind.CHECK_IN, TOKEN, START)
        await world.notices.send(PHONE, NoticeKind.MEDICINE, TOKEN, START)
        with pytest.raises(SendFault) as caught:
            await world.notices.send(PHONE, NoticeKind.REEXAM, TOKEN, START)
        assert (caught.value.kind, caught.value.reason) == (FaultKind.RETRY, "sms_daily_limit")
        assert caught.value.retry_after == UNTIL_MIDNIGHT
        assert len(world.fake.sends) == 2
        await world.notices.send("13900139000", NoticeKind.REEXAM, TOKEN, START)  # another
        tomorrow = START + timedelta(hours=14)
        world.clock.advance(timedelta(hours=14))
        await world.notices.send(PHONE, NoticeKind.REEXAM, TOKEN, tomorrow)
        assert [s.template for s in world.fake.state.sent_to(PHONE)] == [
            "SMS_1",
            "SMS_2",
            "SMS_3",
        ]


@pytest.mark.parametrize("provider", [SmsProviderName.ALIYUN, SmsProviderName.TENCENT])
async def test_the_providers_daily_limit_waits_for_the_next_local_day(
    tmp_path: Path, provider: SmsProviderName
) -> None:
    async with sms_world(tmp_path, provider, daily_limit=1) as world:
        await world.notices.send(PHONE, NoticeKind.CHECK_IN, TOKEN, START)
        with pytest.raises(SendFault) as caught:
            await world.notices.send(PHONE, NoticeKind.OTHER, TOKEN, START)
        assert caught.value.kind is FaultKind.RETRY
        assert caught.value.retry_after == UNTIL_MIDNIGHT
        assert len(world.fake.sends) == 1


async def test_a_number_that_is_not_a_mobile_is_unreachable(tmp_path: Path) -> None:
    async with sms_world(tmp_path) as world:
        with pytest.raises(SendFault) as caught:
            await world.notices.send("010-12345678", NoticeKind.CHECK_IN, TOKEN, START)
        assert caught.value.kind is FaultKind.UNREACHABLE
        assert world.fake.sends == []


def test_parts_are_counted_as_the_providers_count() -> None:
    assert [sms_parts("字" * n) for n in (1, 70, 71, 134, 135, 201, 202)] == [1, 1, 2, 2, 3, 3, 4]


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("provider", list(SmsProviderName))
def test_every_registered_text_fits_with_its_signature(
    locale: str, provider: SmsProviderName
) -> None:
    texts = registered_texts(Renderer(), locale, LINK_PREFIX, provider)
    assert set(texts) == set(NoticeKind)
    for kind, text in texts.items():
        placeholder = {"aliyun": "${code}", "tencent": "{1}", "generic": "{code}"}[provider]
        assert f"{LINK_PREFIX}{placeholder}" in text, kind
        assert "TD" in text
        sent = "【市第一人民医院】" + text.replace(placeholder, TOKEN)
        # Chinese fits one part; English words are longer, and may take two
        assert sms_parts(sent) <= (1 if locale == "zh_CN" else 2), kind


def test_numbers_are_normalized_to_eleven_digits() -> None:
    assert normalize_phone("+8613800138000") == PHONE
    assert normalize_phone("0086 138 0013 8000") == PHONE
    assert normalize_phone("86-138-0013-8000") == PHONE
    assert normalize_phone("1380013800") is None
    assert normalize_phone("23800138000") is None


async def test_erasure_forgets_the_texts_sent_to_a_number(tmp_path: Path) -> None:
    async with sms_world(tmp_path) as world:
        sent = await world.notices.send(PHONE, NoticeKind.CHECK_IN, TOKEN, START)
        other = await world.notices.send("13900139000", NoticeKind.CHECK_IN, TOKEN, START)
        async with world.store.engine.begin() as conn:
            await forget_phone(conn, "138-0013-8000")
        assert await world.store.sms_messages.find(SmsProviderName.ALIYUN, sent.ref) is None
        assert await world.store.sms_messages.find(SmsProviderName.ALIYUN, other.ref) is not None
