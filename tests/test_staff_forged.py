"""Forged or misplaced messages in the staff group: nothing reaches a patient wrongly, nothing
is lost, and the writer is told clearly what happened."""

from __future__ import annotations

import itertools
import time
from typing import Any

from telegram import Update

from bot.demo.fake_telegram import Fault, keyboard
from bot.demo.harness import BotHarness
from bot.domain.roles import Role
from tests.test_complaints import CHAT, GROUP, STAFF, complain, setup
from tests.test_staff_replies import event_kinds, patient_texts, topic_of
from tests.test_survey_flow import CHAT as CHECKIN_CHAT
from tests.test_survey_flow import STAFF_GROUP, answer, start_checkin

_ids = itertools.count(900_000)


async def deliver(harness: BotHarness, thread: int, **fields: Any) -> None:
    """Deliver a staff-group message in a topic from the staff member, with extra fields."""
    assert harness.app is not None
    message: dict[str, Any] = {
        "message_id": next(_ids),
        "date": int(time.time()),
        "chat": {"id": GROUP, "type": "supergroup", "title": "Staff"},
        "from": {"id": STAFF, "is_bot": False, "first_name": "Liu"},
        "message_thread_id": thread,
        "is_topic_message": True,
        **fields,
    }
    update = Update.de_json({"update_id": next(_ids), "message": message}, harness.app.bot)
    await harness.app.process_update(update)


async def two_cases(harness: BotHarness) -> tuple[int, int]:
    await setup(harness)
    await complain(harness)
    await complain(harness, "出院结算排队太久。")
    return await topic_of(harness, 1), await topic_of(harness, 2)


async def test_a_reply_quoting_another_cases_prompt_is_kept_as_a_note(
    harness: BotHarness,
) -> None:
    first, _second = await two_cases(harness)
    await harness.press(GROUP, "cs:reply:2", user_id=STAFF)
    prompt_of_2 = int(harness.telegram.sent(GROUP)[-1].result["message_id"])
    before = len(patient_texts(harness))
    await harness.text(
        GROUP, "这条回复写错了地方。", user_id=STAFF, thread_id=first, reply_to=prompt_of_2
    )
    warning = harness.telegram.last_text(GROUP)
    assert "#2" in warning and "#1" in warning and "没有发给任何患者" in warning
    assert len(patient_texts(harness)) == before
    assert "note" in await event_kinds(harness, 1)  # kept where it was written
    assert "note" not in await event_kinds(harness, 2)
    drafts = harness.services.store.case_drafts
    waiting = await drafts.open_of(2, STAFF)
    assert waiting is not None and waiting.text is None  # #2's draft still waits for its text


async def test_a_reply_to_a_message_that_is_no_prompt_is_a_note(harness: BotHarness) -> None:
    first, _ = await two_cases(harness)
    await harness.text(CHAT, "请尽快给我答复。")  # relayed into #2's topic (the newest case)
    relayed = int(harness.telegram.sent(GROUP)[-1].result["message_id"])
    case_2 = await topic_of(harness, 2)
    before = len(patient_texts(harness))
    await harness.text(GROUP, "好的,马上处理。", user_id=STAFF, thread_id=case_2, reply_to=relayed)
    assert "内部备注" in harness.telegram.last_text(GROUP)
    assert len(patient_texts(harness)) == before
    assert "note" in await event_kinds(harness, 2)
    assert first != case_2


async def test_a_forwarded_message_never_becomes_a_reply(harness: BotHarness) -> None:
    await setup(harness)
    await complain(harness)
    thread = await topic_of(harness)
    await harness.press(GROUP, "cs:reply:1", user_id=STAFF)
    origin = {"type": "hidden_user", "date": int(time.time()), "sender_user_name": "某患者"}
    await deliver(harness, thread, text="别的患者的话", forward_origin=origin)
    assert "转发的消息" in harness.telegram.last_text(GROUP)
    assert "内部备注" in harness.telegram.last_text(GROUP)
    offered = [
        d for c in harness.telegram.sent(GROUP) for _, d in keyboard(c.params.get("reply_markup"))
    ]
    assert not any(data.startswith("cs:send:") for data in offered)  # no preview to send
    draft = await harness.services.store.case_drafts.open_of(1, STAFF)
    assert draft is not None and draft.text is None  # still waiting for the member's own words
    assert not any("别的患者的话" in t for t in patient_texts(harness))


async def test_a_picture_in_a_topic_is_kept_as_a_note(harness: BotHarness) -> None:
    await setup(harness)
    await complain(harness)
    thread = await topic_of(harness)
    await harness.press(GROUP, "cs:reply:1", user_id=STAFF)
    photo = [{"file_id": "staff-photo", "file_unique_id": "sp", "width": 10, "height": 10}]
    await deliver(harness, thread, photo=photo, caption="病房照片")
    assert "图片或文件" in harness.telegram.last_text(GROUP)
    [note] = [e for e in await harness.services.store.cases.events(1) if e.kind == "note"]
    assert note.detail == "病房照片"
    assert not any("病房照片" in t for t in patient_texts(harness))


async def test_someone_not_on_staff_is_told_and_nothing_is_recorded(harness: BotHarness) -> None:
    await setup(harness)
    await complain(harness)
    thread = await topic_of(harness)
    kinds = await event_kinds(harness)
    await harness.text(GROUP, "我是实习生,我来回复。", user_id=4242, thread_id=thread)
    refusal = harness.telegram.sent(GROUP)[-1].params
    assert "#1" in str(refusal["text"]) and "没有记录" in str(refusal["text"])
    assert refusal["message_thread_id"] == thread and refusal.get("reply_parameters")
    assert await event_kinds(harness) == kinds
    assert not any("实习生" in t for t in patient_texts(harness))
    await harness.text(GROUP, "大家好", user_id=4242)  # the group's own chat: not ours
    assert harness.telegram.sent(GROUP)[-1].params == refusal


async def test_a_reply_to_a_red_flag_alert_is_a_note_never_sent_to_the_family(
    harness: BotHarness,
) -> None:
    await start_checkin(harness, staff_group=True)
    now = harness.clock.now()
    await harness.services.store.staff.upsert(STAFF, Role.STAFF, None, "刘护士长", now)
    for question, value in (
        ("good_time", "yes"),
        ("condition", "worse"),
    ):
        await answer(harness, question, value)
    [flag] = await harness.services.store.cases.for_patient(1)
    assert flag.kind == "red_flag" and flag.staff_message_id is not None
    before = len(harness.telegram.sent(CHECKIN_CHAT))
    await harness.text(
        STAFF_GROUP, "我马上给患者打电话。", user_id=STAFF, reply_to=flag.staff_message_id
    )
    note = harness.telegram.last_text(STAFF_GROUP)
    assert "内部备注" in note and "回复患者" not in note  # a red flag has no Reply
    assert len(harness.telegram.sent(CHECKIN_CHAT)) == before
    assert "note" in await event_kinds(harness, flag.id)


async def test_the_topics_own_start_is_not_taken_for_a_quote(harness: BotHarness) -> None:
    """Telegram sends every message in a forum topic as a reply to the topic's first message."""
    await setup(harness)
    await complain(harness)
    thread = await topic_of(harness)
    await harness.press(GROUP, "cs:reply:1", user_id=STAFF)
    await harness.text(GROUP, "您好,已核实。", user_id=STAFF, thread_id=thread, reply_to=thread)
    assert "预览" in harness.telegram.last_text(GROUP)


async def test_without_topics_a_reply_to_any_post_under_the_card_stays_in_the_case(
    harness: BotHarness,
) -> None:
    await setup(harness)
    no_forum = Fault("createForumTopic", status=400, description="Bad Request: not a forum")
    harness.telegram.faults.append(no_forum)
    await complain(harness)
    await harness.text(CHAT, "请尽快给我答复。")  # relayed under the card
    relayed = harness.telegram.sent(GROUP)[-1]
    assert "message_thread_id" not in relayed.params
    before = len(patient_texts(harness))
    await harness.text(
        GROUP, "好的,明天回电。", user_id=STAFF, reply_to=int(relayed.result["message_id"])
    )
    assert "内部备注" in harness.telegram.last_text(GROUP)
    assert len(patient_texts(harness)) == before
    [note] = [e for e in await harness.services.store.cases.events(1) if e.kind == "note"]
    assert note.detail == "好的,明天回电。"


async def test_a_quote_from_another_cases_topic_is_kept_as_a_note(harness: BotHarness) -> None:
    """Telegram sends a reply quoting a message of another topic as an external reply."""
    first, second = await two_cases(harness)
    case_2 = await harness.services.store.cases.get(2)
    assert case_2 is not None and case_2.staff_message_id is not None
    bot = {"id": 1, "is_bot": True, "first_name": "Followup"}
    external = {
        "origin": {"type": "user", "date": int(time.time()), "sender_user": bot},
        "chat": {"id": GROUP, "type": "supergroup", "title": "Staff"},
        "message_id": case_2.staff_message_id,  # #2's card
    }
    await harness.press(GROUP, "cs:reply:1", user_id=STAFF)
    before = len(patient_texts(harness))
    await deliver(harness, first, text="这是给 #2 的答复。", external_reply=external)
    assert "#2" in harness.telegram.last_text(
        GROUP
    ) and "没有发给任何患者" in harness.telegram.last_text(GROUP)
    assert len(patient_texts(harness)) == before
    assert second != first
