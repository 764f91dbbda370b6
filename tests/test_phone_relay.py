"""A nurse on a call relays the check-in: the same survey, answers, cases and figures as a
chat's, each question shown to the nurse to read out, the nurse's presses and words taken as
the patient's. Through the real Application; the calls are rows the worklist would write."""

from __future__ import annotations

from bot.demo.harness import BotHarness
from bot.domain.channel_messages import ChannelName
from bot.domain.roles import Role
from bot.services.phone_checkin import begin_phone_checkin
from bot.storage.schema import scheduled_messages as m
from tests.harness import enrol, local, record, seed
from tests.phone_calls import nurse_answers, nurse_presses, phone_contact_of, reached_call
from tests.stats_cohort import november_stats
from tests.test_complaints import complain
from tests.test_survey_flow import HAPPY_PATH

CHAT = 611  # test_complaints' chat
GROUP = -1009999
NURSE = 7100
WHO_PATIENT = "pr:who:patient"


async def start(harness: BotHarness) -> None:
    """Two equal stays of 呼吸科: ZY001 on Telegram, ZY002 reached by phone."""
    harness.settings = harness.settings.model_copy(update={"staff_chat_id": GROUP})
    await harness.restart()
    for number, name in (("ZY001", "张三"), ("ZY002", "李四")):
        fields = {"department": "呼吸科", "discharged_at": local("2026-11-20"), "name": name}
        await seed(harness.settings, record(number, **fields))
    now = harness.clock.now()
    await harness.services.store.staff.upsert(NURSE, Role.STAFF, None, "刘护士", now)
    harness.clock.advance(local("2026-11-23", "15:00") - now)


async def phone_checkin(harness: BotHarness) -> int:
    """Reach ZY002 by phone and relay its day-3 check-in up to its first question."""
    attempt = await reached_call(harness, NURSE, "ZY002")
    await begin_phone_checkin(harness.services, attempt)
    assert "患者本人" in str(harness.telegram.sent(NURSE)[-1].params["reply_markup"])
    await nurse_presses(harness, NURSE, attempt, WHO_PATIENT)
    return attempt


async def test_a_phone_checkin_gives_what_the_same_answers_in_chat_give(
    harness: BotHarness,
) -> None:
    await start(harness)
    await enrol(harness, CHAT)
    await harness.tick()
    attempt = await phone_checkin(harness)
    assert "请向患者询问" in harness.telegram.last_text(NURSE)
    for question, value in HAPPY_PATH:
        data = next(
            d for d in harness.telegram.latest_buttons(CHAT) if d.endswith(f":{question}:{value}")
        )
        await harness.press(CHAT, data, user_id=CHAT)
        await nurse_answers(harness, NURSE, attempt, question, value)
    assert "非常感谢您的支持与配合" in harness.telegram.last_text(NURSE)
    store = harness.services.store
    phone = await phone_contact_of(harness, attempt)
    assert phone.channel == ChannelName.PHONE and phone.respondent == "patient"
    rows = await store.outbox.rows(m.c.step_key == "day3")
    assert sorted((r.channel, r.status) for r in rows) == [
        ("phone", "answered"),
        ("telegram", "answered"),
    ]
    sessions = [await store.surveys.get(n) for n in (1, 2)]
    assert sorted(s.contact_id for s in sessions if s) == sorted(r.contact_id for r in rows)
    assert await store.surveys.answers(1) == await store.surveys.answers(2) != {}
    stats = await november_stats(harness)
    figures = {c.channel: (c.followed_up, c.reached) for c in stats.channels}
    assert figures["phone"] == figures["telegram"] == (1, 1)
    harness.clock.advance(local("2026-12-01") - harness.clock.now())
    await harness.tick()  # the sweeps re-plan contacts: a phone contact is never planned
    assert [r.step_key for r in await store.outbox.rows(m.c.contact_id == phone.id)] == ["day3"]


def group_texts(harness: BotHarness) -> list[str]:
    return [str(c.params.get("text", "")) for c in harness.telegram.sent(GROUP)]


async def test_danger_words_typed_by_the_nurse_alert_staff(harness: BotHarness) -> None:
    await start(harness)
    attempt = await phone_checkin(harness)
    await harness.text(NURSE, "患者说今天突然晕倒了一次", user_id=NURSE)
    phone = await phone_contact_of(harness, attempt)
    [case] = await harness.services.store.cases.for_patient(phone.patient_id)
    assert case.kind == "red_flag" and case.contact_id == phone.id
    assert any("突然晕倒了一次" in text for text in group_texts(harness))
    assert "120" in harness.telegram.last_text(NURSE)  # the advice, for the nurse to read out


async def test_unsatisfied_and_its_reason_open_a_case_shown_as_by_phone(
    harness: BotHarness,
) -> None:
    await start(harness)
    attempt = await phone_checkin(harness)
    for question, value in HAPPY_PATH[:9]:
        await nurse_answers(harness, NURSE, attempt, question, value)
    await nurse_answers(harness, NURSE, attempt, "sat_doctors", "unsatisfied")
    await harness.text(NURSE, "医生查房时说话太快,没听清。", user_id=NURSE)
    phone = await phone_contact_of(harness, attempt)
    [case] = await harness.services.store.cases.for_patient(phone.patient_id)
    assert (case.kind, case.text) == ("complaint", "医生查房时说话太快,没听清。")
    card = next(text for text in group_texts(harness) if "投诉登记" in text)
    assert "来源:电话回访,由 刘护士 代为录入" in card
    assert any("没听清" in text for text in group_texts(harness))  # the reason, in its thread
    assert any("7 天内" in c.params["text"] for c in harness.telegram.sent(NURSE))
    await harness.text(NURSE, "/stats", user_id=NURSE)  # a staff command still works
    assert "主管" in harness.telegram.last_text(NURSE)  # the command answered, not relayed


async def test_a_chat_checkin_card_says_nothing_of_a_phone(harness: BotHarness) -> None:
    await start(harness)
    await enrol(harness, CHAT)
    await complain(harness)
    assert group_texts(harness) and not any("电话回访" in t for t in group_texts(harness))
