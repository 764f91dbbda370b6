"""A nurse on a call relays the check-in: the same survey, answers, cases and figures as a
chat's, each question shown to the nurse to read out, the nurse's presses and words taken as
the patient's. Through the real Application; the nurse takes each call with /calls."""

from __future__ import annotations

from sqlalchemy import delete

from bot.demo.harness import BotHarness
from bot.domain.calls import CallReason
from bot.domain.channel_messages import ChannelName
from bot.domain.roles import Role
from bot.storage.records import Contact
from bot.storage.schema import scheduled_messages as m
from bot.storage.schema import settings_cache
from bot.storage.tallies import VERSION_KEY
from tests.harness import enrol, local, record, seed
from tests.phone_calls import (
    end_call,
    nurse_answers,
    nurse_presses,
    phone_contact_of,
    reach_next,
    reached_call,
    relay_button,
)
from tests.stats_cohort import november_stats
from tests.test_complaints import complain, reply_to_patient
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
    assert (stats.followed_up, stats.reached, stats.nps_counts) == (2, 2, {9: 2})
    assert all(s.total == 2 for s in stats.satisfaction.values()) and stats.satisfaction
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
    alert = next(text for text in group_texts(harness) if "突然晕倒了一次" in text)
    assert "来源:电话回访,由 刘护士 代为录入" in alert
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


async def unsatisfied_by_phone(harness: BotHarness) -> int:
    """Relay ZY002's check-in up to a 不满意 with its reason; return the attempt."""
    attempt = await phone_checkin(harness)
    for question, value in HAPPY_PATH[:9]:
        await nurse_answers(harness, NURSE, attempt, question, value)
    await nurse_answers(harness, NURSE, attempt, "sat_doctors", "unsatisfied")
    await harness.text(NURSE, "医生查房时说话太快,没听清。", user_id=NURSE)
    return attempt


async def test_a_reply_with_no_call_in_progress_is_read_out_on_the_next_call(
    harness: BotHarness,
) -> None:
    await start(harness)
    attempt = await unsatisfied_by_phone(harness)
    await end_call(harness, NURSE, attempt)
    assert "通话已结束" in harness.telegram.last_text(NURSE)
    store = harness.services.store
    assert await store.phone_calls.in_progress(attempt) is None
    [session] = await store.surveys.open_for_chat((await phone_contact_of_ended(harness)).chat_id)
    assert session.current_question == "sat_nurses"  # answered as far as it went
    card = next(c for c in harness.telegram.sent(GROUP) if "投诉登记" in str(c.params["text"]))
    reply = "非常抱歉,已请主管医生再向您详细说明用药方法。"
    before = len(harness.telegram.sent(NURSE))
    await reply_to_patient(harness, 1, reply, int(str(card.params["message_thread_id"])), NURSE)
    assert len(harness.telegram.sent(NURSE)) == before  # nobody is on the line: kept
    episode = await store.episodes.latest_for("ZY002")
    assert episode is not None
    assert await store.call_tasks.open_for(episode.id, CallReason.STAFF_REPLY) is not None
    again = await reach_next(harness, NURSE)
    await nurse_presses(harness, NURSE, again, WHO_PATIENT)
    assert any(reply in str(c.params["text"]) for c in harness.telegram.sent(NURSE)[before:])
    assert "请向患者转达" in harness.telegram.last_text(NURSE)


async def phone_contact_of_ended(harness: BotHarness) -> Contact:
    """Return ZY002's phone contact (its call may be over)."""
    episode = await harness.services.store.episodes.latest_for("ZY002")
    assert episode is not None
    found = await harness.services.store.contacts.at_address(ChannelName.PHONE, str(episode.id))
    return found[0]


async def test_only_the_nurse_on_the_call_answers_and_only_the_current_question(
    harness: BotHarness,
) -> None:
    await start(harness)
    await enrol(harness, CHAT)
    attempt = await phone_checkin(harness)
    old = await relay_button(harness, attempt, r"sv:\d+:good_time:yes")
    phone = await phone_contact_of(harness, attempt)
    store = harness.services.store
    [session] = await store.surveys.open_for_chat(phone.chat_id)
    for stranger in (CHAT, 9999):  # the Telegram patient, someone unknown
        await harness.press(stranger, old, user_id=stranger)
        assert harness.telegram.answered_callbacks()[-1].get("show_alert")
    await harness.press(NURSE, "pr:1:x", user_id=NURSE)  # malformed
    assert await store.surveys.answers(session.id) == {}
    await harness.press(NURSE, old, user_id=NURSE)
    assert await store.surveys.answers(session.id) == {"good_time": "yes"}
    await harness.press(NURSE, old, user_id=NURSE)  # the same button again: an old question
    assert harness.telegram.answered_callbacks()[-1].get("show_alert")
    assert await store.surveys.answers(session.id) == {"good_time": "yes"}
    await end_call(harness, NURSE, attempt)
    await harness.text(NURSE, "好的", user_id=NURSE)  # after the call: not the patient's
    assert await store.surveys.answers(session.id) == {"good_time": "yes"}


async def test_the_step_answered_by_phone_is_settled_on_the_patients_chat(
    harness: BotHarness,
) -> None:
    await start(harness)
    chat = await enrol(harness, 612, "ZY002")  # the same patient also has a chat, not sent yet
    attempt = await phone_checkin(harness)
    for question, value in HAPPY_PATH:
        await nurse_answers(harness, NURSE, attempt, question, value)
    [row] = await harness.services.store.outbox.rows(
        m.c.contact_id == chat.id, m.c.step_key == "day3"
    )
    assert (row.status, row.failure_reason) == ("answered", "other_contact")
    await harness.tick()
    assert harness.telegram.sent(612) == []  # never asked again in the chat


async def test_a_checkin_sent_in_chat_and_answered_by_phone_counts_the_phone_alone(
    harness: BotHarness,
) -> None:
    await start(harness)
    await enrol(harness, 612, "ZY002")
    await harness.tick()  # the day-3 check-in goes to the chat; no answer there
    assert harness.telegram.sent(612)
    attempt = await phone_checkin(harness)
    for question, value in HAPPY_PATH:
        await nurse_answers(harness, NURSE, attempt, question, value)
    kept = await _reached_by_channel(harness)
    assert kept == {"phone": 1, "telegram": 0}  # reached by phone only, counted once
    async with harness.services.store.engine.begin() as conn:  # as if from before the tallies
        await conn.execute(delete(settings_cache).where(settings_cache.c.key == VERSION_KEY))
    assert await _reached_by_channel(harness) == kept  # the recount agrees


async def _reached_by_channel(harness: BotHarness) -> dict[str, int]:
    stats = await november_stats(harness)
    return {c.channel: c.reached for c in stats.channels if c.channel in ("phone", "telegram")}


async def test_a_relative_on_the_phone_answers_for_the_patient(harness: BotHarness) -> None:
    await start(harness)
    attempt = await reached_call(harness, NURSE, "ZY002")
    await nurse_presses(harness, NURSE, attempt, "pr:who:family:child")
    phone = await phone_contact_of(harness, attempt)
    assert (phone.respondent, phone.relation) == ("family", "child")
    await nurse_answers(harness, NURSE, attempt, "respondent", "family")
    await nurse_answers(harness, NURSE, attempt, "good_time", "yes")
    await nurse_answers(harness, NURSE, attempt, "can_answer", "yes")
    assert "李四" in harness.telegram.last_text(NURSE)  # asked about the patient by name
