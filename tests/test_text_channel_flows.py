"""A check-in and a complaint, end to end, through the plain-text channel: the same use
cases, templates and database as Telegram; staff work the cases in the Telegram group."""

from __future__ import annotations

from datetime import timedelta

from bot.channels.text.inbox import TextInbox
from bot.demo.harness import BotHarness
from bot.domain.channel_messages import Address, ChannelName
from tests.harness import local, record, seed
from tests.test_survey_flow import GENERAL, HAPPY_PATH
from tests.text_patients import (
    PHONE,
    enrol_by_phone,
    reply_choosing,
    say_to_bot,
    start_with_text_line,
)

STAFF_GROUP = -1005555
WHY = "查房时医生说话太快,没听清用药方法。"


def staff_posts(harness: BotHarness) -> list[str]:
    return [str(c.params.get("text", "")) for c in harness.telegram.delivered_to(STAFF_GROUP)]


async def test_a_checkin_by_text_with_an_unsatisfied_answer_opens_a_case(
    harness: BotHarness,
) -> None:
    line = await start_with_text_line(harness, STAFF_GROUP)
    await seed(harness.settings, record(**GENERAL))
    contact = await enrol_by_phone(harness)
    harness.clock.advance(local("2026-11-23") - harness.clock.now())
    await harness.tick()
    first = line.texts_to(PHONE)[-1]
    assert "呼吸科" in first and "<" not in first and "回复 1 " in first
    for question, value in HAPPY_PATH[:9]:
        await reply_choosing(harness, line, f":{question}:{value}")
    await reply_choosing(harness, line, ":sat_doctors:unsatisfied")
    await say_to_bot(harness, WHY)  # the question "why" takes free text
    [case] = await harness.services.store.cases.for_patient(contact.patient_id)
    assert (case.kind, case.text) == ("complaint", WHY)
    assert case.due_at == harness.clock.now() + timedelta(days=7)
    assert any(WHY in post for post in staff_posts(harness))
    assert any("7 天内" in text for text in line.texts_to(PHONE))
    assert "护士" in line.texts_to(PHONE)[-1]  # the survey goes on: nurses next
    assert harness.telegram.delivered_to(contact.chat_id) == []  # nothing went to Telegram


async def test_a_scale_question_is_answered_with_its_number(harness: BotHarness) -> None:
    line = await start_with_text_line(harness, STAFF_GROUP)
    await seed(harness.settings, record(**GENERAL))
    contact = await enrol_by_phone(harness)
    harness.clock.advance(local("2026-11-23") - harness.clock.now())
    await harness.tick()
    for question, value in HAPPY_PATH[:12]:
        await reply_choosing(harness, line, f":{question}:{value}")
    assert "0 到 10" in line.texts_to(PHONE)[-1]
    await say_to_bot(harness, "9")
    [session] = await harness.services.store.surveys.open_for_chat(contact.chat_id)
    assert (await harness.services.store.surveys.answers(session.id))["recommend"] == "9"


async def test_a_complaint_by_text_reaches_staff_as_a_numbered_case(harness: BotHarness) -> None:
    line = await start_with_text_line(harness, STAFF_GROUP)
    await seed(harness.settings, record(nurse="王护士"))
    contact = await enrol_by_phone(harness)
    await say_to_bot(harness, "投诉")
    assert "请" in line.texts_to(PHONE)[-1]
    await say_to_bot(harness, "夜里按铃很久没有人来。")
    assert "回复 1 " in line.texts_to(PHONE)[-1]
    await reply_choosing(harness, line, "cp:c:nurse")
    assert "夜里按铃很久没有人来" in line.texts_to(PHONE)[-1]
    await reply_choosing(harness, line, "cp:ok")
    [case] = await harness.services.store.cases.for_patient(contact.patient_id)
    assert (case.kind, case.text) == ("complaint", "夜里按铃很久没有人来。")
    assert case.concerned is not None and "王护士" in case.concerned
    submitted = line.texts_to(PHONE)[-1]
    assert f"编号 #{case.id}" in submitted and "7 天内" in submitted and "<b>" not in submitted
    assert any("夜里按铃很久没有人来" in post for post in staff_posts(harness))


async def test_an_unknown_number_is_answered_and_nothing_else_happens(
    harness: BotHarness,
) -> None:
    line = await start_with_text_line(harness, STAFF_GROUP)
    await seed(harness.settings, record())
    stranger = Address(ChannelName.TEXT, "13900000000")
    await TextInbox(harness.services).receive(stranger, "投诉")
    [reply] = line.texts_to(stranger)
    assert "无法识别您的号码" in reply
    assert (
        await harness.services.store.dialogs.get(
            await harness.services.store.channel_chats.key_for(stranger)
        )
        is None
    )
