"""Texts sent back by SMS, through the provider's callback on the pages' listener: a stop
word withdraws at once and nothing more is sent; numbers and words answer the question;
danger alerts staff; a number that is no contact is answered nothing."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest

from bot.demo.harness import BotHarness
from bot.domain.channel_messages import Address, ChannelName
from bot.domain.sms import SmsProviderName, SmsStatus
from bot.domain.web_links import LinkPurpose
from tests.sms_patients import sms_patient, texts
from tests.test_complaints import GROUP
from tests.test_survey_flow import HAPPY_PATH
from tests.web_patients import PHONE, answer, link


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as phone:
        yield phone


async def feed_size(harness: BotHarness) -> int:
    chat = await harness.services.store.channel_chats.key_for(PHONE)
    return await harness.services.store.web_pages.feed_size(chat)


async def staff_posts(harness: BotHarness) -> list[str]:
    """What reached the staff group, once the staff lane has sent what it holds."""
    await harness.staff_settled()
    return [str(c.params.get("text", "")) for c in harness.telegram.delivered_to(GROUP)]


@pytest.mark.parametrize("word", ["TD", "退订", "ｔｄ"])
async def test_a_stop_word_by_sms_withdraws_at_once_and_nothing_more_is_sent(
    harness: BotHarness, word: str
) -> None:
    fake, contact = await sms_patient(harness)
    store = harness.services.store
    assert await store.outbox.count_pending() > 0
    sent, shown = len(texts(fake)), await feed_size(harness)
    assert await fake.user_replies(PHONE.chat, word) == 200
    history = await store.contacts.consent_history(contact.id)
    assert [(d, via) for d, _, via in history][-1] == ("withdrawn", "sms_stop")
    assert await store.outbox.count_pending() == 0  # pending messages cancelled
    assert await fake.user_replies(PHONE.chat, "好的,谢谢") == 200  # answered nothing
    for _ in range(3):  # the days after: nothing, not even a notice
        harness.clock.advance(timedelta(days=7))
        await harness.tick()
    assert len(texts(fake)) == sent and await feed_size(harness) == shown


async def test_a_number_and_a_word_by_sms_answer_the_questions(
    harness: BotHarness, client: httpx.AsyncClient
) -> None:
    fake, contact = await sms_patient(harness, SmsProviderName.TENCENT)
    store = harness.services.store
    assert await fake.user_replies(PHONE.chat, "1") == 200  # 1: 现在方便
    url = await link(harness, contact.chat_id, LinkPurpose.CONVERSATION)
    for question, value in HAPPY_PATH[1:9]:
        await answer(harness, client, url, f":{question}:{value}")
    assert await fake.user_replies(PHONE.chat, "满意") == 200
    [session] = await store.surveys.open_for_chat(contact.chat_id)
    answers = await store.surveys.answers(session.id)
    assert (answers["good_time"], answers["sat_doctors"]) == ("yes", "satisfied")


async def test_a_red_flag_typed_by_sms_alerts_staff(harness: BotHarness) -> None:
    fake, _ = await sms_patient(harness)
    await fake.user_replies(PHONE.chat, "1")
    assert await fake.user_replies(PHONE.chat, "我今天胸口很痛,喘不上气") == 200
    assert any("胸口很痛" in post for post in await staff_posts(harness))


async def test_a_number_that_is_no_contact_is_answered_nothing(harness: BotHarness) -> None:
    fake, _ = await sms_patient(harness)
    sent, posts = len(fake.sends), len(await staff_posts(harness))
    stranger = "13900139000"
    assert await fake.user_replies(stranger, "1") == 200
    assert len(fake.sends) == sent and len(await staff_posts(harness)) == posts
    assert (
        await harness.services.store.channel_chats.find(Address(ChannelName.SMS, stranger)) is None
    )


async def test_a_delivery_failure_receipt_is_recorded(harness: BotHarness) -> None:
    fake, _ = await sms_patient(harness, SmsProviderName.TENCENT)
    notice = texts(fake)[-1]
    assert await fake.deliver(notice, delivered=False, code="MK:0001") == 200
    record = await harness.services.store.sms_messages.find(notice.provider, notice.id)
    assert record is not None
    assert (record.status, record.receipt_code) == (SmsStatus.FAILED, "MK:0001")


async def test_the_callback_paths_are_logged_without_their_secret(
    harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        await harness.with_sms(SmsProviderName.TENCENT)
    assert "/sms/tencent/…/reply" in caplog.text and "/sms/tencent/…/receipt" in caplog.text
    assert harness.settings.require_sms().callback_secret not in caplog.text


async def test_a_reply_pushed_again_by_the_provider_is_taken_once(harness: BotHarness) -> None:
    fake, contact = await sms_patient(harness, SmsProviderName.ALIYUN)
    store = harness.services.store
    assert await fake.user_replies(PHONE.chat, "1") == 200  # 1: 现在方便 (good_time: yes)
    [session] = await store.surveys.open_for_chat(contact.chat_id)
    after_once = await store.surveys.answers(session.id)
    assert after_once == {"good_time": "yes"}
    assert await fake.reply_again() == 200  # the same batch (its sequence_id) once more
    assert await store.surveys.answers(session.id) == after_once  # not "1" to the next question
