"""Re-examinations: moving the visit to another date, and closing the visit that was made."""

from __future__ import annotations

from datetime import date

from bot.demo.harness import BotHarness
from bot.storage.schema import scheduled_messages as m
from tests.harness import SHANGHAI, START, RecordFields, enrol, local, record, seed

CHAT = 888
STAFF_GROUP = -1001234
VISIT: RecordFields = {
    "department": "呼吸科",
    "discharged_at": local("2026-11-20"),
    "revisit_at": date(2026, 12, 2),
}


async def go_to(harness: BotHarness, moment: object) -> None:
    harness.clock.advance(moment - harness.clock.now())  # type: ignore[operator]
    await harness.tick()


async def reminded(harness: BotHarness) -> None:
    """Set up a patient with a visit on 12-02 and open its -3 d reminder's "another date"."""
    harness.settings = harness.settings.model_copy(update={"staff_chat_id": STAFF_GROUP})
    await harness.restart()
    await seed(harness.settings, record(**VISIT))
    await enrol(harness, CHAT)
    await go_to(harness, local("2026-11-29", "09:00"))
    await harness.press(CHAT, harness.telegram.button(CHAT, "rx:other"))
    assert "想改到哪一天复诊" in harness.telegram.last_text(CHAT)


async def reexam_days(harness: BotHarness, status: str) -> list[date]:
    """Local due days of the stay's re-exam reminders with this status."""
    rows = await harness.services.store.outbox.rows(
        m.c.kind == "reexam_reminder", m.c.status == status
    )
    return [row.due_at.astimezone(SHANGHAI).date() for row in rows]


async def assert_moved_to(harness: BotHarness, visit: date) -> None:
    new = visit.isoformat()
    assert f"改为 {new}" in harness.telegram.last_text(CHAT)
    notice = harness.telegram.last_text(STAFF_GROUP)
    assert "复诊已改期" in notice and "2026-12-02" in notice and new in notice
    assert await reexam_days(harness, "cancelled") == [date(2026, 12, 1)]  # the old -1 d
    assert await reexam_days(harness, "pending") == [
        date.fromordinal(visit.toordinal() - 3),
        date.fromordinal(visit.toordinal() - 1),
    ]
    episode = await harness.services.store.episodes.latest_for("ZY001")
    assert episode is not None and episode.revisit_at == visit
    actions = [e.action for e in await harness.services.store.audit.since(START)]
    assert "episode.revisit" in actions
    assert await harness.services.store.dialogs.get(CHAT) is None


async def test_a_button_moves_the_visit_and_its_reminders(harness: BotHarness) -> None:
    await reminded(harness)
    await harness.press(CHAT, "rd:1w")
    await assert_moved_to(harness, date(2026, 12, 6))
    mark = len(harness.telegram.delivered_to(CHAT))
    await go_to(harness, local("2026-12-01", "09:00"))  # the old date's -1 d: nothing
    await go_to(harness, local("2026-12-03", "09:00"))  # the new date's -3 d
    sent = [str(c.params["text"]) for c in harness.telegram.delivered_to(CHAT)[mark:]]
    texts = [text for text in sent if "复诊日期" in text]
    assert len(texts) == 1 and "2026-12-06" in texts[0] and "2026-12-02" not in texts[0]


async def test_a_typed_date_moves_the_visit_even_after_a_restart(harness: BotHarness) -> None:
    await reminded(harness)
    await harness.restart()  # the question waits in the database
    await harness.text(CHAT, "2026-11-01")
    assert "这一天已经过去了" in harness.telegram.last_text(CHAT)
    await harness.text(CHAT, "过几天吧")
    assert "没能看懂这个日期" in harness.telegram.last_text(CHAT)
    assert harness.telegram.button(CHAT, "rd:2w")  # the ready-made dates are offered again
    await harness.text(CHAT, "12月20日")
    await assert_moved_to(harness, date(2026, 12, 20))


async def test_staff_can_be_asked_to_arrange_the_date(harness: BotHarness) -> None:
    await reminded(harness)
    await harness.press(CHAT, "rd:staff")
    assert "复诊改期申请" in harness.telegram.last_text(STAFF_GROUP)
    assert await reexam_days(harness, "pending") == [date(2026, 12, 1)]  # unchanged


async def test_a_date_not_understood_twice_goes_to_staff(harness: BotHarness) -> None:
    await reminded(harness)
    await harness.text(CHAT, "过几天吧")
    assert "没能看懂这个日期" in harness.telegram.last_text(CHAT)
    await harness.text(CHAT, "等我儿子回来再说")
    told = [str(call.params["text"]) for call in harness.telegram.sent(CHAT)[-2:]]
    assert "复诊日期暂时不变" in told[0] and "详细记录" in told[1]
    posts = [str(call.params.get("text", "")) for call in harness.telegram.sent(STAFF_GROUP)]
    assert any("复诊改期申请" in post for post in posts)
    assert any("等我儿子回来再说" in post for post in posts)  # the patient's own words
    assert await reexam_days(harness, "pending") == [date(2026, 12, 1)]  # unchanged
    assert await harness.services.store.dialogs.get(CHAT) is None


async def test_already_went_closes_that_visit_only(harness: BotHarness) -> None:
    await seed(harness.settings, record(**VISIT), record("ZY002", **VISIT))
    await enrol(harness, CHAT)
    await enrol(harness, 999, "ZY002")
    await go_to(harness, local("2026-11-29", "09:00"))
    await harness.press(CHAT, harness.telegram.button(CHAT, "rx:done"))
    assert "感谢您按时复诊" in harness.telegram.last_text(CHAT)
    store = harness.services.store
    [mine] = [r for r in await store.outbox.rows(m.c.step_key == "reexam_1d") if r.chat_id == CHAT]
    assert (mine.status, mine.failure_reason) == ("cancelled", "attended")
    [theirs] = [r for r in await store.outbox.rows(m.c.step_key == "reexam_1d") if r.chat_id == 999]
    assert theirs.status == "pending"
    later = await store.outbox.rows(m.c.step_key == "day30")  # the plan's other steps go on
    assert {row.status for row in later} == {"pending"}


async def test_a_date_typed_the_way_people_say_it_moves_the_visit(harness: BotHarness) -> None:
    await reminded(harness)  # 2026-11-29, a Sunday
    await harness.text(CHAT, "大概12月10号上午吧")
    await assert_moved_to(harness, date(2026, 12, 10))


async def test_next_week_typed_in_english_moves_the_visit(harness: BotHarness) -> None:
    await reminded(harness)
    await harness.text(CHAT, "next Friday")
    await assert_moved_to(harness, date(2026, 12, 4))  # the Friday of the week after 11-29
