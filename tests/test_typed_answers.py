"""Typed answers through the real Application (fake Bot API, fake clock) and the plain-text
channel: a patient who only types finishes a check-in; what is not understood is asked again
once with the options numbered, then passed to a nurse."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.demo.fake_telegram import keyboard
from bot.demo.harness import BotHarness
from bot.storage.schema import scheduled_messages as m
from bot.storage.schema import survey_sessions
from tests.harness import enrol, local, record, seed
from tests.test_survey_flow import GENERAL
from tests.text_patients import PHONE, enrol_by_phone, say_to_bot, start_with_text_line

CHAT = 321
STAFF_GROUP = -1005555
TYPED_ZH = [  # what an elderly patient types, question by question
    ("good_time", "方便", "yes"),
    ("condition", "好多了😊", "better"),
    ("new_symptoms", "没有不舒服", "no"),
    ("medicines", "按时吃的", "yes"),
    ("diet", "吃得挺好", "good"),
    ("sleep", "还行吧", "fair"),
    ("exercise", "每天散步", "good"),
    ("reexam", "约好了", "booked"),
    ("doctor_question", "没有", "no"),
    ("sat_doctors", "非常满意", "satisfied"),
    ("sat_nurses", "满意👍", "satisfied"),
    ("sat_hospital", "挺好", "satisfied"),
    ("recommend", "打９分", "9"),
    ("anything_else", "没有了，谢谢", "no_thanks"),
]
TYPED_EN = [
    ("good_time", "yes", "yes"),
    ("condition", "Much better, thanks", "better"),
    ("new_symptoms", "nothing new", "no"),
    ("medicines", "as prescribed", "yes"),
    ("diet", "good", "good"),
    ("sleep", "so-so", "fair"),
    ("exercise", "pretty good", "good"),
    ("reexam", "already booked", "booked"),
    ("doctor_question", "no", "no"),
    ("sat_doctors", "very satisfied", "satisfied"),
    ("sat_nurses", "satisfied", "satisfied"),
    ("sat_hospital", "Satisfied!", "satisfied"),
    ("recommend", "8 points", "8"),
    ("anything_else", "no thanks", "no_thanks"),
]
THANKS = {"zh_CN": "非常感谢您的支持与配合", "en": "Thank you very much for your help"}


async def start_checkin(harness: BotHarness, locale: str = "zh_CN") -> None:
    harness.settings = harness.settings.model_copy(update={"staff_chat_id": STAFF_GROUP})
    await harness.restart()
    await seed(harness.settings, record(**GENERAL))
    await enrol(harness, CHAT, locale=locale)
    harness.clock.advance(local("2026-11-23") - harness.clock.now())
    await harness.tick()


async def stored_answers(harness: BotHarness, chat: int = CHAT) -> dict[str, str]:
    """Return the answers of the chat's (only) check-in, open or finished."""
    store = harness.services.store
    [contact] = await store.contacts.for_chat(chat)
    query = select(survey_sessions.c.id).where(survey_sessions.c.contact_id == contact.id)
    async with store.engine.connect() as conn:
        [session_id] = (await conn.execute(query)).scalars().all()
    return await store.surveys.answers(session_id)


@pytest.mark.parametrize(("locale", "typed"), [("zh_CN", TYPED_ZH), ("en", TYPED_EN)])
async def test_a_patient_who_only_types_finishes_the_first_checkin(
    harness: BotHarness, locale: str, typed: list[tuple[str, str, str]]
) -> None:
    await start_checkin(harness, locale)
    for question, text, _ in typed:
        session = (await harness.services.store.surveys.open_for_chat(CHAT))[0]
        assert session.current_question == question  # a patient contact: no "who is answering"
        await harness.text(CHAT, text)
    assert THANKS[locale] in harness.telegram.last_text(CHAT)
    assert await stored_answers(harness) == {question: value for question, _, value in typed}
    [row] = await harness.services.store.outbox.rows(m.c.step_key == "day3")
    assert row.status == "answered"


async def test_a_patient_who_only_types_finishes_the_checkin_on_the_text_channel(
    harness: BotHarness,
) -> None:
    line = await start_with_text_line(harness, STAFF_GROUP)
    await seed(harness.settings, record(**GENERAL))
    contact = await enrol_by_phone(harness)
    harness.clock.advance(local("2026-11-23") - harness.clock.now())
    await harness.tick()
    for _question, text, _ in TYPED_ZH:
        await say_to_bot(harness, text)
    assert THANKS["zh_CN"] in line.texts_to(PHONE)[-1]
    expected = {question: value for question, _, value in TYPED_ZH}
    assert await stored_answers(harness, contact.chat_id) == expected


@pytest.mark.parametrize(
    ("locale", "unclear", "again", "asked_again", "passed_on"),
    [
        ("zh_CN", "我也说不好", "说不清", "请回复选项前的数字", "已经详细记录"),
        ("en", "hard to say", "who knows", "reply with the number", "recorded in full"),
    ],
)
async def test_not_understood_is_asked_again_numbered_then_passed_to_a_nurse(
    harness: BotHarness,
    locale: str,
    unclear: str,
    again: str,
    asked_again: str,
    passed_on: str,
) -> None:
    await start_checkin(harness, locale)
    await harness.text(CHAT, "好的" if locale == "zh_CN" else "ok")  # now is fine
    await harness.text(CHAT, unclear)
    reply = harness.telegram.sent(CHAT)[-1].params
    assert asked_again in str(reply["text"])
    labels = [label for label, _ in keyboard(reply["reply_markup"])]
    assert [label[:3] for label in labels] == ["1. ", "2. ", "3. "]  # the buttons, numbered
    assert await harness.services.store.cases.for_patient(1) == []
    await harness.restart()  # the count survives a restart
    await harness.text(CHAT, again)
    [case] = await harness.services.store.cases.for_patient(1)
    assert case.kind == "question" and again in (case.text or "")
    assert any(again in str(c.params.get("text")) for c in harness.telegram.sent(STAFF_GROUP))
    assert passed_on in harness.telegram.last_text(CHAT)
    assert f"{case.id}" in harness.telegram.last_text(CHAT)  # the patient gets its number
    await harness.text(CHAT, "1")  # the number of an option still answers the question
    assert (await stored_answers(harness))["condition"] == "better"


@pytest.mark.parametrize("typed", ["8分", "八分", "８", "给个8分吧"])
async def test_a_score_typed_in_words_answers_the_0_to_10_question(
    harness: BotHarness, typed: str
) -> None:
    await start_checkin(harness)
    for _question, text, _ in TYPED_ZH[:12]:
        await harness.text(CHAT, text)
    await harness.text(CHAT, typed)
    assert (await stored_answers(harness))["recommend"] == "8"


@pytest.mark.parametrize(
    ("locale", "not_now", "when", "told"),
    [
        ("zh_CN", "现在不方便", "明天下午三点", "11-24 15:00"),
        ("en", "not now", "tomorrow 3pm", "11-24 15:00"),
    ],
)
async def test_a_typed_time_reschedules_the_checkin_to_that_time(
    harness: BotHarness, locale: str, not_now: str, when: str, told: str
) -> None:
    await start_checkin(harness, locale)
    await harness.text(CHAT, not_now)
    await harness.text(CHAT, when)
    [row] = await harness.services.store.outbox.rows(m.c.step_key == "day3")
    assert row.status == "pending"
    assert row.send_at == local("2026-11-24", "15:00")
    assert told in harness.telegram.last_text(CHAT)
    harness.clock.advance(row.send_at - harness.clock.now())
    await harness.tick()
    await harness.text(CHAT, "好多了" if locale == "zh_CN" else "better")
    assert (await stored_answers(harness))["condition"] == "better"


async def test_a_typed_time_outside_contact_hours_moves_into_them(harness: BotHarness) -> None:
    await start_checkin(harness)
    await harness.text(CHAT, "在忙")
    await harness.text(CHAT, "明天中午12点")  # between the 11:30 and 15:00 windows
    [row] = await harness.services.store.outbox.rows(m.c.step_key == "day3")
    assert local("2026-11-24", "15:00") <= row.send_at <= local("2026-11-24", "20:00")


async def test_on_the_text_channel_not_understood_is_asked_again_then_passed_on(
    harness: BotHarness,
) -> None:
    line = await start_with_text_line(harness, STAFF_GROUP)
    await seed(harness.settings, record(**GENERAL))
    contact = await enrol_by_phone(harness)
    harness.clock.advance(local("2026-11-23") - harness.clock.now())
    await harness.tick()
    await say_to_bot(harness, "可以")
    await say_to_bot(harness, "我也说不好")
    asked_again = line.texts_to(PHONE)[-1]
    assert "没能看懂" in asked_again and "回复 1 比出院时好" in asked_again
    await say_to_bot(harness, "说不清楚")
    [case] = await harness.services.store.cases.for_patient(contact.patient_id)
    assert case.kind == "question" and "说不清楚" in (case.text or "")
    assert "已经详细记录" in line.texts_to(PHONE)[-1]
    await say_to_bot(harness, "反正就那样吧")  # more words: added to the same case
    assert len(await harness.services.store.cases.for_patient(contact.patient_id)) == 1
    assert any(
        "反正就那样吧" in str(c.params.get("text")) for c in harness.telegram.sent(STAFF_GROUP)
    )
    await say_to_bot(harness, "2")  # the number shown beside 差不多
    assert (await stored_answers(harness, contact.chat_id))["condition"] == "same"


@pytest.mark.parametrize(
    ("locale", "typed", "shown"),
    [("zh_CN", "好多了", "好的,已记录:比出院时好。"), ("en", "much better", "Noted: Better than")],
)
async def test_the_next_question_says_how_a_typed_answer_was_read(
    harness: BotHarness, locale: str, typed: str, shown: str
) -> None:
    await start_checkin(harness, locale)
    await harness.text(CHAT, "可以" if locale == "zh_CN" else "yes")
    await harness.text(CHAT, typed)
    assert harness.telegram.last_text(CHAT).startswith(shown)  # how it was read, shown


async def test_a_very_long_unread_reply_still_reaches_staff_in_one_card(
    harness: BotHarness,
) -> None:
    await start_checkin(harness)
    await harness.text(CHAT, "好的")
    long_reply = "我跟你说说我的情况" * 450  # 4050 characters: over one Telegram message
    await harness.text(CHAT, long_reply)
    await harness.text(CHAT, long_reply)
    [case] = await harness.services.store.cases.for_patient(1)
    assert case.text is not None and len(case.text) < 4000
    assert any(
        "我跟你说说我的情况" in str(c.params.get("text"))
        for c in harness.telegram.delivered_to(STAFF_GROUP)
    )
