"""Conversational check-ins through the fake Bot API: answers, branches, red flags, cases."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.demo.harness import BotHarness
from bot.domain.messages import MessageKind
from bot.domain.roles import Role
from bot.storage.outbox_records import PlannedMessage
from bot.storage.schema import scheduled_messages as m
from tests.harness import RecordFields, enrol, local, record, seed

CHAT = 321
STAFF_GROUP = -1005555
GENERAL: RecordFields = {"department": "呼吸科", "discharged_at": local("2026-11-20")}
HAPPY_PATH = [
    ("good_time", "yes"),
    ("condition", "better"),
    ("new_symptoms", "no"),
    ("medicines", "yes"),
    ("diet", "good"),
    ("sleep", "good"),
    ("exercise", "good"),
    ("reexam", "booked"),
    ("doctor_question", "no"),
    ("sat_doctors", "satisfied"),
    ("sat_nurses", "satisfied"),
    ("sat_hospital", "satisfied"),
    ("recommend", "9"),
    ("anything_else", "no_thanks"),
]


async def start_checkin(
    harness: BotHarness, staff_group: bool = False, respondent: str = "patient"
) -> None:
    if staff_group:
        harness.settings = harness.settings.model_copy(update={"staff_chat_id": STAFF_GROUP})
        await harness.restart()
    await seed(harness.settings, record(**GENERAL))
    await enrol(harness, CHAT, respondent=respondent)
    harness.clock.advance(local("2026-11-23") - harness.clock.now())
    await harness.tick()


async def answer(harness: BotHarness, question: str, value: str, chat: int = CHAT) -> None:
    """Press the answer button for question/value on the chat's last message."""
    pattern = re.compile(rf"^sv:\d+:{question}:{value}$")
    data = next(d for d in harness.telegram.latest_buttons(chat) if pattern.match(d))
    await harness.press(chat, data, user_id=chat)


async def session_answers(harness: BotHarness) -> dict[str, str]:
    [session] = await harness.services.store.surveys.open_for_chat(CHAT) or [None]  # type: ignore[list-item]
    assert session is not None
    return await harness.services.store.surveys.answers(session.id)


async def day3_status(harness: BotHarness) -> str:
    [row] = await harness.services.store.outbox.rows(m.c.step_key == "day3")
    return row.status


async def test_a_full_checkin_is_stored_question_by_question(harness: BotHarness) -> None:
    await start_checkin(harness)
    first = harness.telegram.last_text(CHAT)
    assert "呼吸科" in first and "您" in first
    for question, value in HAPPY_PATH:
        await answer(harness, question, value)
    assert "非常感谢您的支持与配合" in harness.telegram.last_text(CHAT)
    assert await harness.services.store.surveys.open_for_chat(CHAT) == []
    assert await day3_status(harness) == "answered"
    sessions = await harness.services.store.outbox.rows(m.c.step_key == "day3")
    assert sessions[0].status == "answered"


async def test_a_family_member_is_asked_about_the_patient_by_name(harness: BotHarness) -> None:
    await start_checkin(harness, respondent="family")
    await answer(harness, "respondent", "family")
    await answer(harness, "good_time", "yes")
    assert harness.telegram.last_buttons(CHAT)[0].startswith("sv:")
    await answer(harness, "can_answer", "yes")
    assert "张三丰" in harness.telegram.last_text(CHAT)  # "请问张三丰现在的身体情况…"
    answers = await session_answers(harness)
    assert answers["respondent"] == "family"


async def test_not_now_reschedules_into_the_next_window_and_resumes(harness: BotHarness) -> None:
    await start_checkin(harness)
    await answer(harness, "good_time", "no")
    await answer(harness, "when_suits", "tomorrow")
    [row] = await harness.services.store.outbox.rows(m.c.step_key == "day3")
    assert row.status == "pending"
    assert row.send_at.date() == local("2026-11-24").date()
    assert "11-24" in harness.telegram.last_text(CHAT)
    harness.clock.advance(row.send_at - harness.clock.now())
    await harness.tick()
    resumed = harness.telegram.last_text(CHAT)
    assert "接着上次" in resumed and "身体情况" in resumed
    await answer(harness, "condition", "better")
    assert await day3_status(harness) == "answered"


async def test_red_flags_alert_staff_at_once_and_tell_the_patient_once(
    harness: BotHarness,
) -> None:
    await start_checkin(harness, staff_group=True)
    await answer(harness, "good_time", "yes")
    await answer(harness, "condition", "worse")
    alert = harness.telegram.last_text(STAFF_GROUP)
    assert "ZY001" in alert and "张三丰" in alert and "李医生" in alert
    safety = [
        c for c in harness.telegram.delivered_to(CHAT) if "通知了医护人员" in c.params["text"]
    ]
    assert len(safety) == 1
    await answer(harness, "new_symptoms", "yes")
    await answer(harness, "symptom", "chest_pain")
    safety = [
        c for c in harness.telegram.delivered_to(CHAT) if "通知了医护人员" in c.params["text"]
    ]
    assert len(safety) == 1  # told once per check-in, however many answers flag
    cases = await harness.services.store.cases.for_patient(1)
    assert [c.kind for c in cases] == ["red_flag", "red_flag", "red_flag"]
    assert cases[0].staff_chat_id == STAFF_GROUP and cases[0].staff_message_id


async def test_only_staff_can_acknowledge_a_red_flag(harness: BotHarness) -> None:
    await start_checkin(harness, staff_group=True)
    await answer(harness, "good_time", "yes")
    await answer(harness, "condition", "worse")
    ack = harness.telegram.button(STAFF_GROUP, "ack:")
    await harness.press(STAFF_GROUP, ack, user_id=4444)  # not staff
    assert harness.telegram.answered_callbacks()[-1]["text"] == "抱歉,此操作仅限医院工作人员。"
    now = harness.clock.now()
    await harness.services.store.staff.upsert(5555, Role.DOCTOR, None, "李医生", now)
    harness.clock.advance(timedelta(minutes=7))
    await harness.press(STAFF_GROUP, ack, user_id=5555)
    [case] = await harness.services.store.cases.for_patient(1)
    assert case.acknowledged_by == 5555
    assert case.acknowledged_at == now + timedelta(minutes=7)
    assert "已由 李医生" in harness.telegram.last_text(STAFF_GROUP)
    await harness.press(STAFF_GROUP, ack, user_id=5555)  # twice: nothing changes
    [case] = await harness.services.store.cases.for_patient(1)
    assert case.acknowledged_at == now + timedelta(minutes=7)


async def walk_to_satisfaction(harness: BotHarness) -> None:
    for question, value in HAPPY_PATH[:9]:
        await answer(harness, question, value)


async def test_unsatisfied_asks_why_and_opens_a_complaint(harness: BotHarness) -> None:
    await start_checkin(harness, staff_group=True)
    await walk_to_satisfaction(harness)
    await answer(harness, "sat_doctors", "unsatisfied")
    await harness.text(CHAT, "查房时医生说话太快,没听清用药方法。")
    [case] = await harness.services.store.cases.for_patient(1)
    assert (case.kind, case.text) == ("complaint", "查房时医生说话太快,没听清用药方法。")
    assert case.due_at == harness.clock.now() + timedelta(days=7)
    assert "没听清用药方法" in harness.telegram.last_text(STAFF_GROUP)
    texts = [c.params["text"] for c in harness.telegram.delivered_to(CHAT)]
    assert any("7 天内" in t for t in texts)
    assert "护士" in harness.telegram.last_text(CHAT)  # the survey goes on: nurses next


async def test_a_question_for_the_doctor_goes_to_staff(harness: BotHarness) -> None:
    await start_checkin(harness, staff_group=True)
    for question, value in HAPPY_PATH[:8]:
        await answer(harness, question, value)
    await answer(harness, "doctor_question", "yes")
    await harness.text(CHAT, "阿司匹林可以饭前吃吗?")
    [case] = await harness.services.store.cases.for_patient(1)
    assert (case.kind, case.text) == ("question", "阿司匹林可以饭前吃吗?")
    assert "阿司匹林可以饭前吃吗" in harness.telegram.last_text(STAFF_GROUP)


async def test_praise_is_recorded(harness: BotHarness) -> None:
    await start_checkin(harness)
    for question, value in HAPPY_PATH[:-1]:
        await answer(harness, question, value)
    await answer(harness, "anything_else", "praise")
    await harness.text(CHAT, "感谢王护士的细心照顾!")
    [case] = await harness.services.store.cases.for_patient(1)
    assert (case.kind, case.text) == ("praise", "感谢王护士的细心照顾!")


async def test_stale_forged_and_foreign_buttons_are_closed(harness: BotHarness) -> None:
    await start_checkin(harness)
    first = harness.telegram.button(CHAT, "sv:")
    await answer(harness, "good_time", "yes")
    await harness.press(CHAT, first)  # the same question again
    await harness.press(CHAT, first.replace("good_time", "condition"))  # out of order
    await harness.press(CHAT, "sv:999:good_time:yes")
    await harness.press(CHAT, "sv:abc")
    await harness.press(777, harness.telegram.button(CHAT, "sv:"), user_id=777)  # another chat
    closed = [c.get("text") for c in harness.telegram.answered_callbacks()][-5:]
    assert closed == ["抱歉,这个问题已经结束了。"] * 5
    assert await session_answers(harness) == {"good_time": "yes"}


async def test_typed_text_that_fits_no_option_is_asked_again(
    harness: BotHarness,
) -> None:
    await start_checkin(harness)
    await harness.text(CHAT, "我很好")  # "is now a good time?" - neither yes nor no
    assert "按钮" in harness.telegram.last_text(CHAT)
    assert await session_answers(harness) == {}
    for question, value in HAPPY_PATH[:12]:
        await answer(harness, question, value)
    await harness.text(CHAT, "９")  # a number typed on a Chinese keyboard answers the 0-10 scale
    assert (await session_answers(harness))["recommend"] == "9"


async def test_restart_in_the_middle_continues(harness: BotHarness) -> None:
    await start_checkin(harness)
    await harness.restart()
    await answer(harness, "good_time", "yes")
    await harness.restart()
    await answer(harness, "condition", "same")
    assert await session_answers(harness) == {
        "good_time": "yes",
        "condition": "same",
    }


async def test_start_shows_the_open_question_and_stop_closes_the_survey(
    harness: BotHarness,
) -> None:
    await start_checkin(harness)
    await harness.text(CHAT, "/start")
    assert "接着上次" in harness.telegram.last_text(CHAT)
    await answer(harness, "good_time", "yes")
    await harness.text(CHAT, "/stop")
    await harness.press(CHAT, "stop:yes")
    assert await harness.services.store.surveys.open_for_chat(CHAT) == []


async def test_an_unfinished_survey_expires_as_partial_and_keeps_its_answers(
    harness: BotHarness,
) -> None:
    await start_checkin(harness)
    await answer(harness, "good_time", "yes")
    [session] = await harness.services.store.surveys.open_for_chat(CHAT)
    harness.clock.advance(timedelta(days=3, minutes=1))
    await harness.tick()
    assert await harness.services.store.surveys.open_for_chat(CHAT) == []
    expired = await harness.services.store.surveys.get(session.id)
    assert expired is not None and expired.status == "partial"
    assert await harness.services.store.surveys.answers(session.id) == {
        "good_time": "yes",
    }
    assert await day3_status(harness) == "answered"  # reached, even if not to the end


async def test_two_surveys_due_go_one_after_the_other(harness: BotHarness) -> None:
    await seed(harness.settings, record(**GENERAL))
    contact = await enrol(harness, CHAT)
    harness.clock.advance(local("2026-11-23") - harness.clock.now())
    now = harness.clock.now()
    extra = PlannedMessage(
        "extra",
        0,
        MessageKind.CHECKIN,
        "plans/general/day7_checkin",
        now,
        now,
        survey="checkin_short",
    )
    await harness.services.store.outbox.add(
        contact.id, contact.episode_id, contact.patient_id, extra, now
    )
    await harness.tick()
    surveys_sent = [c for c in harness.telegram.delivered_to(CHAT) if "sv:" in str(c.params)]
    assert len(surveys_sent) == 1
    for question, value in HAPPY_PATH:
        await answer(harness, question, value)
    harness.clock.advance(timedelta(minutes=31))
    await harness.tick()
    surveys_sent = [c for c in harness.telegram.delivered_to(CHAT) if "sv:" in str(c.params)]
    assert len({c.params["text"] for c in surveys_sent}) >= 2
    assert "good_time" in str(harness.telegram.sent(CHAT)[-1].params["reply_markup"])


async def test_the_checkin_and_its_first_question_promise_the_same_time(
    harness: BotHarness,
) -> None:
    await start_checkin(harness)
    texts = " ".join(str(c.params.get("text", "")) for c in harness.telegram.sent(CHAT))
    said = re.findall(r"[\d-]+分钟|两三分钟|一两分钟", texts)
    assert len(said) >= 2 and set(said) <= {"2-3分钟", "两三分钟"}
