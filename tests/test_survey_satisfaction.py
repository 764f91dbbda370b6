"""Satisfaction answers as the handbook says: every 不满意 reaches staff as a complaint, with
or without a reason; 基本满意 asks why (optional) and records it, opening no case."""

from __future__ import annotations

from bot.demo.harness import BotHarness
from tests.test_survey_flow import (
    CHAT,
    STAFF_GROUP,
    answer,
    session_answers,
    start_checkin,
    walk_to_satisfaction,
)

REASON = "查房时医生说话太快,没听清用药方法。"


def sent_texts(harness: BotHarness, chat: int) -> list[str]:
    return [str(c.params.get("text", "")) for c in harness.telegram.sent(chat)]


async def test_unsatisfied_then_skip_still_reaches_staff_as_a_complaint(
    harness: BotHarness,
) -> None:
    await start_checkin(harness, staff_group=True)
    await walk_to_satisfaction(harness)
    await answer(harness, "sat_doctors", "unsatisfied")
    await answer(harness, "doctors_complaint", "skip")
    [case] = await harness.services.store.cases.for_patient(1)
    assert (case.kind, case.question, case.answer) == ("complaint", "sat_doctors", "unsatisfied")
    assert case.text == "请问您对住院期间医生的医疗技术和服务是否满意? 不满意"
    assert case.staff_message_id is not None
    assert any("医生的医疗技术和服务是否满意" in t for t in sent_texts(harness, STAFF_GROUP))
    acks = [t for t in sent_texts(harness, CHAT) if "7 天内" in t]
    assert len(acks) == 1
    assert "护士" in harness.telegram.last_text(CHAT)  # the survey goes on: nurses next


async def test_a_reason_after_unsatisfied_goes_to_the_same_complaint(harness: BotHarness) -> None:
    await start_checkin(harness, staff_group=True)
    await walk_to_satisfaction(harness)
    await answer(harness, "sat_doctors", "unsatisfied")
    await harness.text(CHAT, REASON)
    [case] = await harness.services.store.cases.for_patient(1)
    assert (case.kind, case.text, case.question) == ("complaint", REASON, "sat_doctors")
    assert "补充了不满意的原因" in harness.telegram.last_text(STAFF_GROUP)
    assert REASON in harness.telegram.last_text(STAFF_GROUP)
    edits = [c for c in harness.telegram.calls if c.method == "editMessageText"]
    assert any(REASON in str(c.params["text"]) for c in edits)  # the card shows it too
    assert len([t for t in sent_texts(harness, CHAT) if "7 天内" in t]) == 1


async def test_two_unsatisfied_areas_open_two_complaints_acknowledged_once(
    harness: BotHarness,
) -> None:
    await start_checkin(harness, staff_group=True)
    await walk_to_satisfaction(harness)
    await answer(harness, "sat_doctors", "unsatisfied")
    await harness.text(CHAT, REASON)
    await answer(harness, "sat_nurses", "unsatisfied")
    await answer(harness, "nurses_complaint", "skip")
    doctors, nurses = await harness.services.store.cases.for_patient(1)
    assert (doctors.question, doctors.text) == ("sat_doctors", REASON)
    assert nurses.question == "sat_nurses"
    assert nurses.text is not None and "护士" in nurses.text
    assert len([t for t in sent_texts(harness, CHAT) if "7 天内" in t]) == 1


async def test_basically_satisfied_asks_why_records_it_and_opens_no_case(
    harness: BotHarness,
) -> None:
    await start_checkin(harness, staff_group=True)
    await walk_to_satisfaction(harness)
    await answer(harness, "sat_doctors", "basically")
    assert "基本满意,请问是否可以提供一下具体原因" in harness.telegram.last_text(CHAT)
    await harness.text(CHAT, "希望医生查房时多讲讲注意事项。")
    assert (await session_answers(harness))["doctors_better"] == "希望医生查房时多讲讲注意事项。"
    assert "护士" in harness.telegram.last_text(CHAT)
    await answer(harness, "sat_nurses", "basically")
    await answer(harness, "nurses_better", "skip")
    assert "医院" in harness.telegram.last_text(CHAT)  # skipped: the hospital is asked next
    assert await harness.services.store.cases.for_patient(1) == []
    assert harness.telegram.sent(STAFF_GROUP) == []
