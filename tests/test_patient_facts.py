"""A death or a dispute, learned later, stops everything for the patient (issue 13, point 1).

Through the real Application over the fake Bot API: a later import, staff in chat; what each
contact receives, and what the database holds.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.demo.harness import BotHarness
from bot.domain.patient_facts import PatientFact
from bot.domain.roles import Role
from bot.services.invitations import invite_patient
from bot.storage.audit import Actor
from bot.storage.schema import scheduled_messages
from tests.harness import local, record, seed
from tests.patient_facts_helpers import (
    STAFF,
    add_contact,
    add_staff,
    confirm,
    import_rows,
    pending_for,
    row,
)

PATIENT, FAMILY = 501, 502
GROUP = -1009999
FIRST_STAY = local("2026-11-21", "09:00")


async def _cohort(harness: BotHarness) -> int:
    """ZY001 discharged from 呼吸科, followed by the patient and a daughter; returns his id."""
    await seed(
        harness.settings,
        record("ZY001", department="呼吸科", discharged_at=FIRST_STAY),
        record("ZY002", name="李四光", department="呼吸科", discharged_at=FIRST_STAY),
    )
    contact = await add_contact(harness, PATIENT, "ZY001")
    await add_contact(harness, FAMILY, "ZY001", "family")
    await add_contact(harness, 503, "ZY002")
    assert await pending_for(harness, contact.patient_id) > 0
    return contact.patient_id


async def _weeks_of_ticks(harness: BotHarness, days: int = 40) -> None:
    for _ in range(days * 2):
        harness.clock.advance(timedelta(hours=12))
        await harness.tick()


async def _until_due(harness: BotHarness, *chats: int) -> None:
    """Move the clock to when each chat has a message due."""
    rows = await harness.services.store.outbox.rows(scheduled_messages.c.status == "pending")
    first = [min(r.send_at for r in rows if r.chat_id == chat) for chat in chats]
    harness.clock.advance(max(max(first) - harness.clock.now(), timedelta(0)))


def _received(harness: BotHarness, *chats: int) -> int:
    return sum(len(harness.telegram.delivered_to(chat)) for chat in chats)


async def test_a_later_stay_imported_with_death_stops_the_earlier_stays_plan(
    harness: BotHarness, tmp_path: Path
) -> None:
    patient_id = await _cohort(harness)
    later = local("2026-12-01", "10:00")
    report = await import_rows(harness, tmp_path, "dec.csv", row("ZY001", later, "死亡"))
    assert report.counts is not None and report.counts.excluded == {"deceased": 1}
    assert report.counts.stopped == {"deceased": 1}
    assert await pending_for(harness, patient_id) == 0
    [fact] = await harness.services.store.facts.history(patient_id)
    assert (fact.fact, fact.active, fact.source) == (PatientFact.DECEASED, True, "import:dec.csv:2")
    assert fact.actor.startswith("cli:")
    entries = await harness.services.store.audit.since(harness.clock.now())
    assert [e.subject for e in entries if e.action == "patient.deceased"] == [
        f"patient:{patient_id}"
    ]
    await _weeks_of_ticks(harness)
    assert _received(harness, PATIENT, FAMILY) == 0
    assert _received(harness, 503) > 0  # the other patient is followed up as before


async def test_a_dispute_flag_on_a_later_stay_pauses_and_a_reimport_never_reopens_it(
    harness: BotHarness, tmp_path: Path
) -> None:
    patient_id = await _cohort(harness)
    await add_staff(harness)
    flagged = row("ZY001", local("2026-11-25", "10:00"), flags="纠纷")
    await import_rows(harness, tmp_path, "dispute.csv", flagged)
    state = await harness.services.store.facts.state(patient_id)
    assert state is not None and state.in_dispute and not state.deceased
    assert await pending_for(harness, patient_id) == 0

    await confirm(harness, "/dispute ZY001 off")
    assert await pending_for(harness, patient_id) > 0
    await import_rows(harness, tmp_path, "dispute.csv", flagged)  # the same list again
    state = await harness.services.store.facts.state(patient_id)
    assert state is not None and not state.in_dispute
    assert await pending_for(harness, patient_id) > 0


async def test_deceased_in_chat_stops_every_contact_within_one_tick(
    harness: BotHarness,
) -> None:
    patient_id = await _cohort(harness)
    await add_staff(harness)
    await _until_due(harness, PATIENT, 503)  # a message of each is due at the next tick
    await harness.text(STAFF, "/deceased ZY001")
    shown = harness.telegram.last_text(STAFF)
    assert "已故" in shown and "张三丰" in shown and "ZY001" in shown
    assert "13800138001" not in shown  # the phone is not among the staff fields by default
    assert harness.telegram.last_buttons(STAFF) == [
        f"pf:ok:{patient_id}:dec1",
        f"pf:no:{patient_id}:dec1",
    ]
    assert await pending_for(harness, patient_id) > 0  # nothing happens before the press
    await harness.press(STAFF, f"pf:ok:{patient_id}:dec1")
    assert "已登记" in harness.telegram.last_text(STAFF)
    await harness.tick()
    assert _received(harness, PATIENT, FAMILY) == 0
    assert _received(harness, 503) > 0
    await _weeks_of_ticks(harness)
    assert _received(harness, PATIENT, FAMILY) == 0
    [fact] = await harness.services.store.facts.history(patient_id)
    assert (fact.source, fact.actor) == ("chat", f"staff:{STAFF}")


async def test_dispute_on_then_off_pauses_then_resumes_with_passed_steps_missed(
    harness: BotHarness,
) -> None:
    patient_id = await _cohort(harness)
    await add_staff(harness)
    await confirm(harness, "/dispute ZY001")  # on is the default
    assert "暂停" in harness.telegram.last_text(STAFF)
    harness.clock.advance(local("2026-12-01", "10:00") - harness.clock.now())
    await harness.tick()
    assert _received(harness, PATIENT, FAMILY) == 0

    await confirm(harness, "/dispute ZY001 off")
    assert "恢复" in harness.telegram.last_text(STAFF)
    store = harness.services.store
    rows = await store.outbox.rows(scheduled_messages.c.patient_id == patient_id)
    status = {(r.chat_id, r.step_key): r.status for r in rows}
    assert status[(PATIENT, "day3")] == "missed"  # its time passed during the dispute
    assert status[(PATIENT, "day30")] == status[(FAMILY, "day30")] == "pending"
    await _weeks_of_ticks(harness, 30)
    assert len(harness.telegram.delivered_to(PATIENT)) > 0
    assert len(harness.telegram.delivered_to(FAMILY)) > 0
    actions = [e.action for e in await store.audit.since(local("2026-11-01"))]
    assert actions.count("patient.dispute") == 1 and actions.count("patient.dispute_off") == 1


async def test_bad_input_and_foreign_or_stale_buttons_change_nothing(
    harness: BotHarness,
) -> None:
    patient_id = await _cohort(harness)
    await add_staff(harness)
    await add_staff(harness, Role.DOCTOR, 7103)
    await harness.text(STAFF, "/deceased NOPE")
    assert "未找到" in harness.telegram.last_text(STAFF) and "NOPE" in harness.telegram.last_text(
        STAFF
    )
    for command in ("/deceased", "/deceased ZY001 yes", "/dispute ZY001 maybe", "/dispute"):
        await harness.text(STAFF, command)
        assert "用法" in harness.telegram.last_text(STAFF)
    await harness.text(7103, "/deceased ZY001")  # a doctor may not
    assert "仅限" in harness.telegram.last_text(7103)

    await harness.press(STAFF, f"pf:ok:{patient_id}:dec1")  # forged: nothing was asked
    await harness.text(STAFF, "/deceased ZY001")
    await harness.text(STAFF, "/dispute ZY001 on")  # the newer question replaces the older
    await harness.press(STAFF, f"pf:ok:{patient_id}:dec1")  # the older button is stale now
    await harness.press(7103, f"pf:ok:{patient_id}:dis1")  # not the staff member's press
    state = await harness.services.store.facts.state(patient_id)
    assert state is not None and not state.stopped
    assert len([c for c in harness.telegram.answered_callbacks() if c.get("text")]) == 3

    await harness.press(STAFF, f"pf:no:{patient_id}:dis1")
    assert "未作任何更改" in harness.telegram.last_text(STAFF)
    await harness.press(STAFF, f"pf:ok:{patient_id}:dis1")  # cancelled: gone
    state = await harness.services.store.facts.state(patient_id)
    assert state is not None and not state.stopped
    assert await harness.services.store.facts.history(patient_id) == []


async def test_staff_of_another_department_cannot_see_or_record(harness: BotHarness) -> None:
    patient_id = await _cohort(harness)
    now = harness.clock.now()
    await harness.services.store.staff.upsert(7102, Role.STAFF, "心内科", "陈护士", now)
    await harness.text(7102, "/deceased ZY001")
    text = harness.telegram.last_text(7102)
    assert "未找到" in text and "张三丰" not in text
    state = await harness.services.store.facts.state(patient_id)
    assert state is not None and not state.stopped


async def test_an_admin_records_a_death_once(harness: BotHarness) -> None:
    patient_id = await _cohort(harness)
    await add_staff(harness, Role.ADMIN, 7301)
    await confirm(harness, "/deceased ZY001", 7301)
    await harness.text(7301, "/deceased ZY001")  # already recorded: no question, no change
    assert "无需重复" in harness.telegram.last_text(7301)
    assert harness.telegram.last_buttons(7301) == []
    await harness.text(7301, "/dispute ZY001 on")  # a dispute of the dead is written down
    await harness.press(7301, harness.telegram.button(7301, "pf:ok:"))
    assert "已故" in harness.telegram.last_text(7301)
    history = await harness.services.store.facts.history(patient_id)
    assert [(f.fact, f.active) for f in history] == [
        (PatientFact.DECEASED, True),
        (PatientFact.DISPUTE, True),
    ]


async def test_staff_replies_in_a_case_do_not_reach_a_patient_in_dispute(
    harness: BotHarness,
) -> None:
    harness.settings = harness.settings.model_copy(update={"staff_chat_id": GROUP})
    await harness.restart()
    await _cohort(harness)
    await add_staff(harness)
    await harness.text(PATIENT, "/complain")
    await harness.text(PATIENT, "出院结算排队等了三个小时。")
    await harness.press(PATIENT, "cp:c:department")
    await harness.press(PATIENT, "cp:ok")
    case = await harness.services.store.cases.get(1)
    assert case is not None and case.topic_id is not None
    await confirm(harness, "/dispute ZY001 on")
    before = len(harness.telegram.sent(PATIENT))
    await harness.press(GROUP, "cs:take:1", user_id=STAFF)
    await harness.press(GROUP, "cs:reply:1", user_id=STAFF)
    await harness.text(GROUP, "您好,我们已核实。", user_id=STAFF, thread_id=case.topic_id)
    await harness.press(GROUP, harness.telegram.button(GROUP, "cs:send:1:"), user_id=STAFF)
    await harness.press(GROUP, "cs:close:1", user_id=STAFF)
    await harness.press(GROUP, "cs:outcome:1:resolved", user_id=STAFF)
    await harness.text(GROUP, "已致歉。", user_id=STAFF, thread_id=case.topic_id)
    assert len(harness.telegram.sent(PATIENT)) == before  # neither the reply nor the closure
    notes = [str(c.params["text"]) for c in harness.telegram.sent(GROUP)]
    assert sum("未发送给患者" in note for note in notes) == 2
    closed = await harness.services.store.cases.get(1)
    assert closed is not None and closed.status == "closed"


async def test_a_deceased_patients_invites_no_longer_enrol(harness: BotHarness) -> None:
    patient_id = await _cohort(harness)
    await add_staff(harness)
    await harness.text(STAFF, "/invite ZY002")  # another patient: still invitable
    assert harness.telegram.sent(STAFF)[-1].method == "sendPhoto"
    store, now = harness.services.store, harness.clock.now()
    issued = await invite_patient(store, "ZY001", now, 30, Actor.staff(STAFF))
    await confirm(harness, "/deceased ZY001")
    await harness.text(600, f"/start {issued.token}")
    assert "已失效" in harness.telegram.last_text(600)
    await harness.text(STAFF, "/invite ZY001")
    assert "已故" in harness.telegram.last_text(STAFF)
    assert [c.patient_id for c in await store.contacts.for_chat(600)] == []
    assert await pending_for(harness, patient_id) == 0


async def test_start_after_a_death_neither_wishes_recovery_nor_asks_consent(
    harness: BotHarness,
) -> None:
    await _cohort(harness)
    await add_staff(harness)
    await harness.text(FAMILY, "/stop")
    await harness.press(FAMILY, "stop:yes")
    await confirm(harness, "/deceased ZY001")
    for chat in (PATIENT, FAMILY):  # one still consenting, one withdrawn
        await harness.text(chat, "/start")
        assert "目前没有需要发给您的随访消息" in harness.telegram.last_text(chat)
        assert harness.telegram.last_buttons(chat) == []
    await harness.text(503, "/start")  # another patient: as before
    assert "您已开通" in harness.telegram.last_text(503)


async def test_a_broadcast_leaves_out_a_patient_in_dispute(harness: BotHarness) -> None:
    await _cohort(harness)
    await add_staff(harness, Role.ADMIN, 7301)
    await confirm(harness, "/dispute ZY001 on", 7301)
    await harness.text(7301, "/broadcast plans/chronic/diet")
    await harness.press(7301, "bc:ok")
    rows = await harness.services.store.outbox.rows(scheduled_messages.c.step_key.startswith("bc:"))
    assert {r.chat_id for r in rows} == {503}


async def test_stop_cancels_a_confirmation_under_way(harness: BotHarness) -> None:
    patient_id = await _cohort(harness)
    await add_staff(harness)
    await harness.text(STAFF, "/deceased ZY001")
    await harness.text(STAFF, "/stop")
    assert "未作任何更改" in harness.telegram.last_text(STAFF)
    await harness.press(STAFF, f"pf:ok:{patient_id}:dec1")
    state = await harness.services.store.facts.state(patient_id)
    assert state is not None and not state.stopped
