"""A WeChat check-in due when the 48-hour window is closed: one notice asks the patient to
write, what falls due meanwhile is held without another, and the patient's reply brings the
held messages in order; that reply is not an answer, and the check-in then goes on."""

from __future__ import annotations

import logging
from datetime import date

import pytest

from bot.demo.fake_wechat import FakeWeChat
from bot.demo.harness import BotHarness
from bot.storage.records import Contact
from bot.storage.schema import scheduled_messages as m
from tests.harness import RecordFields, local, record, seed
from tests.test_survey_flow import HAPPY_PATH
from tests.test_typed_answers import stored_answers
from tests.wechat_checkins import click_answer, due, enrol_by_qr, refusals
from tests.wechat_patients import conversation, notices, says, start_with_wechat, texts

GROUP = -1008322
THANKS = "非常感谢您的支持与配合"
NOTICE_FIELD_LIMIT = 20  # characters of a template message's `thing` field
DAY3_ON_THE_24TH: RecordFields = {"department": "呼吸科", "discharged_at": local("2026-11-21")}
PATIENT_DATA = ("张三丰", "张", "ZY001", "8001", "呼吸科", "李医生")


def failures(caplog: pytest.LogCaptureFixture) -> list[str]:
    """What the bot logged as errors (a failing callback handler logs one)."""
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


async def closed_window(harness: BotHarness) -> tuple[FakeWeChat, Contact]:
    """Enrolled on 2026-11-22 at 10:00 and silent since: on the 24th at 11:00 the window
    has been closed an hour when the revisit reminder (the 27th, minus 3 days) is due."""
    fake = await start_with_wechat(harness, GROUP)
    revisit = date(2026, 11, 27)
    await seed(harness.settings, record(**DAY3_ON_THE_24TH, revisit_at=revisit))
    contact = await enrol_by_qr(harness)
    before = len(conversation(fake))
    await due(harness, "2026-11-24", "11:00")  # the revisit reminder
    await due(harness, "2026-11-24", "18:00")  # day 3's check-in, spaced after it
    assert len(conversation(fake)) == before  # nothing in conversation outside the window
    [row] = await harness.services.store.outbox.rows(m.c.step_key == "day3")
    assert row.status == "sent"  # handed to WeChat's channel, which holds it
    assert await harness.services.store.channel_windows.held_count(contact.chat_id) == 2
    return fake, contact


async def test_one_notice_without_patient_data_then_held(harness: BotHarness) -> None:
    fake, _contact = await closed_window(harness)
    [notice] = notices(fake)  # the second message held without another notice
    values = [str(field["value"]) for field in notice["data"].values()]
    assert all(0 < len(value) <= NOTICE_FIELD_LIMIT for value in values)
    assert not any(data in value for value in values for data in PATIENT_DATA)
    assert refusals(fake) == []


async def test_ok_brings_the_held_messages_in_order_and_is_no_answer(
    harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    fake, contact = await closed_window(harness)
    before = len(conversation(fake))
    await says(harness, "好")
    assert failures(caplog) == []  # "好" was read, not dropped by a failing handler
    assert await harness.services.store.patient_messages.for_chat(contact.chat_id) == []
    released = texts(fake)[before:]
    assert len(released) <= 5
    assert "复诊" in released[0]  # the reminder due first, then the check-in
    assert "呼吸科" in released[-1] or "方便" in released[-1]
    [session] = await harness.services.store.surveys.open_for_chat(contact.chat_id)
    assert session.current_question == "good_time"
    assert await harness.services.store.surveys.answers(session.id) == {}
    for question, value in HAPPY_PATH:
        await click_answer(harness, question, value)
    assert THANKS in texts(fake)[-1]
    assert await stored_answers(harness, contact.chat_id) == dict(HAPPY_PATH)
    assert len(notices(fake)) == 1 and refusals(fake) == []


async def test_a_longer_reply_is_kept_for_staff_not_taken_as_an_answer(
    harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    fake, contact = await closed_window(harness)
    words = "我最近咳嗽比较多"
    await says(harness, words)
    assert failures(caplog) == []
    staff = [str(c.params.get("text", "")) for c in harness.telegram.delivered_to(GROUP)]
    assert any(words in post for post in staff)
    kept = await harness.services.store.patient_messages.for_chat(contact.chat_id)
    assert [message.text for message in kept] == [words]
    [session] = await harness.services.store.surveys.open_for_chat(contact.chat_id)
    assert await harness.services.store.surveys.answers(session.id) == {}
    assert "复诊" in " ".join(texts(fake)) and refusals(fake) == []
