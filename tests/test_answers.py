"""Answers to sent messages: check-ins, medicines, re-examinations, silence."""

from __future__ import annotations

from datetime import timedelta

from bot.demo.harness import BotHarness
from bot.domain.medications.reminders import adherence
from bot.domain.visits import PER_VISIT
from bot.storage.schema import scheduled_messages as m
from tests.harness import RecordFields, enrol, local, record, seed

CHAT = 888
STAFF_GROUP = -1001234
GENERAL: RecordFields = {"department": "呼吸科", "discharged_at": local("2026-11-20")}


async def go_to(harness: BotHarness, moment: object) -> None:
    harness.clock.advance(moment - harness.clock.now())  # type: ignore[operator]
    await harness.tick()


async def status_of(harness: BotHarness, step: str, occurrence: int = 0) -> str:
    [row] = await harness.services.store.outbox.rows(
        m.c.step_key == step, m.c.occurrence % PER_VISIT == occurrence
    )
    return row.status


async def test_forged_and_foreign_answer_buttons_are_refused(harness: BotHarness) -> None:
    meds: RecordFields = {"medications": "阿司匹林肠溶片 100mg qd 30天", **GENERAL}
    await seed(harness.settings, record(**meds), record("ZY002", **meds))
    await enrol(harness, CHAT)
    await enrol(harness, 999, "ZY002")
    await go_to(harness, local("2026-11-23", "08:00"))
    mine = harness.telegram.button(CHAT, "md:taken:")
    row_id = mine.split(":")[2]
    for data in (
        f"md:drink:{row_id}",
        "md:taken:999999",
        "md:taken:abc",
        "md:taken",
        f"rx:confirm:{row_id}",
    ):
        await harness.press(999, data)
    await harness.press(999, mine)  # another patient's button
    refusals = [c["text"] for c in harness.telegram.answered_callbacks()]
    assert refusals == ["抱歉,这个问题已经结束了。"] * 6
    [row] = await harness.services.store.outbox.rows(m.c.id == int(row_id))
    assert row.status == "sent"
    for data in (f"ka:no:{row_id}", f"rx:done:{row_id}"):  # own row, another kind's button
        await harness.press(CHAT, data)
    assert harness.telegram.answered_callbacks()[-1]["text"] == "抱歉,这个问题已经结束了。"
    [contact] = await harness.services.store.contacts.for_chat(CHAT)
    assert contact.consent == "granted"  # a forged keep-receiving "no" withdrew nothing


async def test_medication_reminders_taken_snoozed_skipped(harness: BotHarness) -> None:
    meds = "阿司匹林肠溶片 100mg qd 30天"
    await seed(harness.settings, record(medications=meds, **GENERAL))
    await enrol(harness, CHAT)
    await go_to(harness, local("2026-11-23", "08:00"))  # before the send window: own times
    assert "阿司匹林肠溶片" in harness.telegram.last_text(CHAT)
    await harness.press(CHAT, harness.telegram.last_buttons(CHAT)[0])  # taken
    assert "已记录您本次已服药" in harness.telegram.last_text(CHAT)
    await go_to(harness, local("2026-11-24", "08:00"))
    snooze = harness.telegram.last_buttons(CHAT)[1]
    assert snooze.startswith("md:snooze:")
    await harness.press(CHAT, snooze)
    assert "30 分钟后再提醒您" in harness.telegram.last_text(CHAT)
    await go_to(harness, local("2026-11-24", "08:20"))
    assert (
        len([c for c in harness.telegram.delivered_to(CHAT) if "阿司匹林" in c.params["text"]]) == 2
    )
    await go_to(harness, local("2026-11-24", "08:31"))
    await harness.press(CHAT, harness.telegram.last_buttons(CHAT)[2])  # skip
    await go_to(harness, local("2026-11-25", "08:00"))  # unanswered
    answers = []
    for row in await harness.services.store.outbox.rows(m.c.kind == "medication"):
        given = await harness.services.store.outbox.answers(row.id)
        final = [a for a in given if a in ("taken", "skipped")]
        if row.status != "pending":
            answers.append(final[-1] if final else None)
    assert adherence(answers).taken == 1 and adherence(answers).skipped == 1
    assert adherence(answers).unanswered == 1


async def test_reexam_reminders_confirm_reschedule_and_attended(harness: BotHarness) -> None:
    harness.settings = harness.settings.model_copy(update={"staff_chat_id": STAFF_GROUP})
    await harness.restart()
    await seed(harness.settings, record(revisit_at=local("2026-12-02").date(), **GENERAL))
    await enrol(harness, CHAT)
    await go_to(harness, local("2026-11-29", "09:00"))
    assert "2026-12-02" in harness.telegram.text_with_button(CHAT, "rx:other")
    other = harness.telegram.button(CHAT, "rx:other")
    await harness.press(CHAT, other)
    await harness.press(CHAT, "rd:staff")  # no date of their own: staff arrange one
    assert "复诊改期" in harness.telegram.last_text(STAFF_GROUP)
    assert "2026-12-02" in harness.telegram.last_text(STAFF_GROUP)
    await go_to(harness, local("2026-12-01", "09:00"))
    done = harness.telegram.button(CHAT, "rx:done")
    await harness.press(CHAT, done)
    assert "感谢您按时复诊" in harness.telegram.last_text(CHAT)


async def test_attended_cancels_the_remaining_reminders_of_that_visit(harness: BotHarness) -> None:
    await seed(harness.settings, record(revisit_at=local("2026-12-02").date(), **GENERAL))
    await enrol(harness, CHAT)
    await go_to(harness, local("2026-11-29", "09:00"))
    done = harness.telegram.button(CHAT, "rx:done")
    await harness.press(CHAT, done)
    assert await status_of(harness, "reexam_1d") == "cancelled"
    await go_to(harness, local("2026-12-01", "09:00"))
    assert not [c for c in harness.telegram.delivered_to(CHAT) if "rx:" in str(c.params)][1:]


async def test_silence_retries_three_times_then_fails_then_asks_to_keep(
    harness: BotHarness,
) -> None:
    await seed(harness.settings, record(**GENERAL))
    await enrol(harness, CHAT)
    moment = local("2026-11-22", "10:00")
    while moment < local("2026-12-27"):
        await go_to(harness, moment)
        moment += timedelta(hours=6)
    checkins = [c for c in harness.telegram.delivered_to(CHAT) if "sv:" in str(c.params)]
    assert len(checkins) == 9  # three check-ins, each sent three times
    for step in ("day3", "day7", "day30"):
        [row] = await harness.services.store.outbox.rows(m.c.step_key == step)
        assert (row.status, row.tries) == ("failed", 3)
    keep = await harness.services.store.outbox.rows(m.c.kind == "keep_asking")
    assert len(keep) == 1 and keep[0].tries >= 1
    assert "还希望继续接收" in harness.telegram.last_text(CHAT)
    no = harness.telegram.button(CHAT, "ka:no")
    await harness.press(CHAT, no)
    [contact] = await harness.services.store.contacts.for_chat(CHAT)
    assert contact.consent == "withdrawn"
    assert await harness.services.store.outbox.rows(m.c.status == "pending") == []
