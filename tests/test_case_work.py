"""Working cases beyond replies: assigning a case to a named colleague, thanking for and
passing on praise (the praise register's 处理情况), and the case number a check-in gives."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.demo.harness import BotHarness
from bot.domain.cases import CaseKind
from bot.domain.roles import Role
from bot.storage.stats import Scope
from tests.test_complaints import CHAT, GROUP, STAFF, SUPERVISOR, complain, setup
from tests.test_survey_flow import CHAT as CHECKIN_CHAT
from tests.test_survey_flow import answer, start_checkin, walk_to_satisfaction

NURSE = 7102  # the department's nurse
ORTHOPAEDICS = 7300  # staff of another department


async def colleagues(harness: BotHarness) -> None:
    now = harness.clock.now()
    staff = harness.services.store.staff
    await staff.upsert(NURSE, Role.STAFF, "呼吸科", "王护士", now)
    await staff.upsert(ORTHOPAEDICS, Role.DOCTOR, "骨科", "外科医生", now)


@pytest.mark.parametrize("language", ["zh_CN", "en"])
async def test_a_case_is_assigned_to_a_colleague_who_is_told(
    harness: BotHarness, language: str
) -> None:
    await setup(harness)
    if language == "en":
        harness.settings = harness.settings.model_copy(update={"locale": "en"})
        await harness.restart()
    await colleagues(harness)
    await complain(harness)
    await harness.press(GROUP, "cs:assign:1", user_id=STAFF)
    offered = harness.telegram.last_buttons(GROUP)
    assert {f"cs:assign:1:{u}" for u in (STAFF, SUPERVISOR, NURSE)} == set(offered)
    await harness.press(GROUP, f"cs:assign:1:{NURSE}", user_id=STAFF)
    case = await harness.services.store.cases.get(1)
    assert case is not None and (case.assignee_id, case.status) == (NURSE, "taken")
    [private] = harness.telegram.sent(NURSE)
    assert "#1" in str(private.params["text"]) and "刘护士长" in str(private.params["text"])
    note = harness.telegram.last_text(GROUP)
    assert "王护士" in note and "刘护士长" in note
    assert ("指派给" if language == "zh_CN" else "assigned to") in note
    edits = [c for c in harness.telegram.calls if c.method == "editMessageText"]
    assert "王护士" in str(edits[-1].params["text"])  # the card names who handles it


async def test_a_case_is_reassigned_and_a_colleague_without_a_chat_is_named_in_the_topic(
    harness: BotHarness,
) -> None:
    await setup(harness)
    await colleagues(harness)
    await complain(harness)
    await harness.press(GROUP, f"cs:assign:1:{NURSE}", user_id=STAFF)
    harness.telegram.blocked.add(SUPERVISOR)  # no private chat with the bot
    await harness.press(GROUP, f"cs:assign:1:{SUPERVISOR}", user_id=NURSE)
    case = await harness.services.store.cases.get(1)
    assert case is not None and case.assignee_id == SUPERVISOR
    assert "张主任" in harness.telegram.last_text(GROUP)
    assert "未能私信" in harness.telegram.last_text(GROUP)
    assigned = [e for e in await harness.services.store.cases.events(1) if e.kind == "assigned"]
    assert [(e.actor_id, e.detail) for e in assigned] == [
        (STAFF, str(NURSE)),
        (NURSE, str(SUPERVISOR)),
    ]


async def test_a_case_cannot_go_to_someone_who_may_not_work_it(harness: BotHarness) -> None:
    await setup(harness)
    await colleagues(harness)
    await complain(harness)
    await harness.press(GROUP, f"cs:assign:1:{ORTHOPAEDICS}", user_id=STAFF)  # a forged press
    assert harness.telegram.answered_callbacks()[-1]["show_alert"]
    await harness.press(GROUP, f"cs:assign:1:{NURSE}", user_id=ORTHOPAEDICS)
    assert harness.telegram.answered_callbacks()[-1]["show_alert"]
    case = await harness.services.store.cases.get(1)
    assert case is not None and case.assignee_id is None
    assert harness.telegram.sent(ORTHOPAEDICS) == [] and harness.telegram.sent(NURSE) == []


async def praise(harness: BotHarness) -> None:
    await harness.text(CHAT, "/praise")
    await harness.text(CHAT, "王护士非常耐心,谢谢!")
    await harness.press(CHAT, "cp:c:nurse")
    await harness.press(CHAT, "cp:ok")


async def test_praise_is_thanked_and_passed_on_and_the_register_says_so(
    harness: BotHarness,
) -> None:
    await setup(harness)
    await praise(harness)
    await harness.press(GROUP, "cs:thank:1", user_id=STAFF)
    case = await harness.services.store.cases.get(1)
    assert case is not None and case.status == "answered" and case.answered_at is not None
    assert case.summary is not None and case.summary.startswith("已向患者致谢(刘护士长,")
    await harness.press(GROUP, "cs:thank:1", user_id=STAFF)  # once is enough
    assert "已经登记过了" in harness.telegram.answered_callbacks()[-1]["text"]
    await harness.press(GROUP, "cs:passon:1", user_id=STAFF)
    case = await harness.services.store.cases.get(1)
    assert case is not None and case.closed
    assert "已转达被表扬人" in harness.telegram.last_text(GROUP)
    edits = [c for c in harness.telegram.calls if c.method == "editMessageText"]
    assert "处理情况:已向患者致谢" in str(edits[-1].params["text"])
    assert "reply_markup" not in edits[-1].params or not edits[-1].params["reply_markup"]
    scope = Scope(datetime(2026, 1, 1).astimezone(), datetime(2027, 1, 1).astimezone())
    [row] = await harness.services.store.reports.cases(scope, CaseKind.PRAISE)
    handling = str(row[13])  # the register's 处理情况
    assert "已向患者致谢(刘护士长" in handling and "已转达被表扬人(刘护士长" in handling
    kinds = [e.kind for e in await harness.services.store.cases.events(1)]
    assert "praise_thanked" in kinds and "praise_passed_on" in kinds


async def test_a_complaint_has_no_praise_steps(harness: BotHarness) -> None:
    await setup(harness)
    await complain(harness)
    await harness.press(GROUP, "cs:passon:1", user_id=STAFF)
    assert harness.telegram.answered_callbacks()[-1]["show_alert"]
    case = await harness.services.store.cases.get(1)
    assert case is not None and not case.closed and case.summary is None


async def test_a_complaint_raised_in_a_checkin_gives_its_number(harness: BotHarness) -> None:
    await start_checkin(harness, staff_group=True)
    await walk_to_satisfaction(harness)
    await answer(harness, "sat_doctors", "unsatisfied")
    [case] = await harness.services.store.cases.for_patient(1)
    assert case.due_at is not None
    due = (case.due_at + timedelta(hours=8)).date().isoformat()
    acks = [
        str(c.params["text"])
        for c in harness.telegram.sent(CHECKIN_CHAT)
        if "7 天内" in str(c.params["text"])
    ]
    assert len(acks) == 1 and f"#{case.id}" in acks[0] and due in acks[0]
    await answer(harness, "doctors_complaint", "skip")
    await answer(harness, "sat_nurses", "unsatisfied")
    second = harness.telegram.sent(CHECKIN_CHAT)[-2:]
    assert any("#2" in str(c.params["text"]) for c in second)  # the second case's number too


async def test_a_question_for_the_doctor_gives_its_number(harness: BotHarness) -> None:
    await start_checkin(harness, staff_group=True)
    for question, value in (
        ("good_time", "yes"),
        ("condition", "better"),
        ("new_symptoms", "no"),
        ("medicines", "yes"),
        ("diet", "good"),
        ("sleep", "good"),
        ("exercise", "good"),
        ("reexam", "booked"),
        ("doctor_question", "yes"),
    ):
        await answer(harness, question, value)
    await harness.text(CHECKIN_CHAT, "降压药饭前吃还是饭后吃?")
    [case] = await harness.services.store.cases.for_patient(1)
    assert case.kind == "question"
    texts = [str(c.params["text"]) for c in harness.telegram.sent(CHECKIN_CHAT)]
    assert any(f"编号 <b>#{case.id}</b>" in t and "转给医生或护士" in t for t in texts)


async def test_praise_is_not_answered_through_a_forged_reply(harness: BotHarness) -> None:
    await setup(harness)
    await praise(harness)
    sent = len(harness.telegram.sent(GROUP))
    for forged in ("cs:reply:1", "cs:tell:1", "cs:assign:1"):
        await harness.press(GROUP, forged, user_id=STAFF)
        assert harness.telegram.answered_callbacks()[-1]["show_alert"]
    assert len(harness.telegram.sent(GROUP)) == sent
    assert await harness.services.store.case_drafts.open_of(1, STAFF) is None
