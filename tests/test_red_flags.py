"""Red flags are worked: a deadline in minutes, one escalation, the outcome and a note, the
phone only for those who call, and the figures in /stats. Through the real Application."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any

import pytest
from openpyxl import load_workbook

from bot.demo.fake_telegram import keyboard
from bot.demo.harness import BotHarness
from bot.domain.cases import CaseStatus, reminder_at
from bot.domain.red_flags import RedFlagOutcome
from bot.domain.roles import Role
from tests.harness import enrol, local, record, seed

CHAT = 431
GROUP = -1004444
NURSE = 8100  # staff of the patient's department
OTHER_NURSE = 8101  # staff of another department
DOCTOR = 8200
SUPERVISOR = 8300  # of the patient's department
OTHER_SUPERVISOR = 8301  # of another department
DUTY = 8400  # the duty doctor's chat, not a staff member
PHONE = "13912345678"
ZH = {
    "deadline": "在 30 分钟内点击“已知悉,处理中”",
    "overdue": "未在 30 分钟内确认",
    "escalation": "超时未确认",
    "outcome": "处理结果:已电话联系患者",
    "note": "备注已记录",
    "phone_refused": "抱歉,患者电话仅向本科室护士和主管显示。",
    "stats": "超时未确认 1 次",
    "report": "预警超时未确认件数",
}
EN = {
    "deadline": 'press "Acknowledge" within 30 minutes',
    "overdue": "not acknowledged within 30 minutes",
    "escalation": "not acknowledged",
    "outcome": "outcome: called the patient",
    "note": "recorded",
    "phone_refused": "Sorry, the patient's phone is shown only",
    "stats": "1 not acknowledged in time",
    "report": "Red flags not acknowledged in time",
}
WORDS = {"zh_CN": ZH, "en": EN}


async def raise_red_flag(harness: BotHarness, locale: str = "zh_CN", **settings: Any) -> None:
    """Enrol a patient of 呼吸科 and have their check-in answer 'worse' (a red flag)."""
    update = {"staff_chat_id": GROUP, "locale": locale, **settings}
    harness.settings = harness.settings.model_copy(update=update)
    await harness.restart()
    await seed(harness.settings, record(department="呼吸科", phone=PHONE))
    await seed(harness.settings, record("ZY002", department="骨科", name="李四"))
    await enrol(harness, CHAT)
    now = harness.clock.now()
    staff = harness.services.store.staff
    await staff.upsert(NURSE, Role.STAFF, "呼吸科", "王护士", now)
    await staff.upsert(OTHER_NURSE, Role.STAFF, "骨科", "赵护士", now)
    await staff.upsert(DOCTOR, Role.DOCTOR, "呼吸科", "李医生", now)
    await staff.upsert(SUPERVISOR, Role.SUPERVISOR, "呼吸科", "张主任", now)
    await staff.upsert(OTHER_SUPERVISOR, Role.SUPERVISOR, "骨科", "钱主任", now)
    harness.clock.advance(local("2026-11-23") - harness.clock.now())
    await harness.tick()
    for question, value in (
        ("good_time", "yes"),
        ("condition", "worse"),
    ):
        data = next(
            d
            for d in harness.telegram.latest_buttons(CHAT)
            if re.match(rf"^sv:\d+:{question}:{value}$", d)
        )
        await harness.press(CHAT, data, user_id=CHAT)


def group_texts(harness: BotHarness) -> list[str]:
    return [str(c.params.get("text", "")) for c in harness.telegram.sent(GROUP)]


def texts_to(harness: BotHarness, chat: int) -> list[str]:
    return [str(c.params.get("text", "")) for c in harness.telegram.sent(chat)]


def alert_buttons(harness: BotHarness) -> list[str]:
    """The callback data on the red flag's alert, as last sent or edited."""
    edits = [
        c
        for c in harness.telegram.calls
        if c.method == "editMessageReplyMarkup" and int(c.params["chat_id"]) == GROUP
    ]
    if edits:
        return [data for _label, data in keyboard(edits[-1].params.get("reply_markup"))]
    return harness.telegram.latest_buttons(GROUP)


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
async def test_a_missed_red_flag_is_escalated_once_across_a_restart(
    harness: BotHarness, locale: str
) -> None:
    await raise_red_flag(harness, locale, red_flag_duty_ids=f"{DUTY}, {SUPERVISOR}")
    words = WORDS[locale]
    [case] = await harness.services.store.cases.for_patient(1)
    assert case.ack_due_at == harness.clock.now() + timedelta(minutes=30)
    assert PHONE not in group_texts(harness)[-1]  # the group is shared: no phone on the alert
    harness.clock.advance(timedelta(minutes=29))
    await harness.tick()
    assert harness.telegram.sent(SUPERVISOR) == [] and harness.telegram.sent(DUTY) == []
    harness.clock.advance(timedelta(minutes=2))  # the deadline passes while the bot is down
    await harness.restart()
    await harness.tick()
    await harness.tick()
    await harness.restart()
    await harness.tick()
    for told in (SUPERVISOR, DUTY):  # once each, with the phone to call
        [escalation] = texts_to(harness, told)
        assert f"#{case.id}" in escalation and words["escalation"] in escalation
        assert PHONE in escalation
    assert harness.telegram.sent(OTHER_SUPERVISOR) == []  # another department's
    assert sum(words["overdue"] in text for text in group_texts(harness)) == 1
    stored = await harness.services.store.cases.get(case.id)
    assert stored is not None and stored.ack_overdue_at is not None
    await harness.text(SUPERVISOR, "/stats")
    assert words["stats"] in harness.telegram.last_text(SUPERVISOR)
    await harness.text(SUPERVISOR, "/report 2026-11")
    [document] = [c for c in harness.telegram.calls if c.method == "sendDocument"]
    summary = load_workbook(io.BytesIO(next(iter(document.files.values())))).worksheets[1]
    assert (words["report"], 1) in [tuple(row) for row in summary.iter_rows(values_only=True)]


async def test_a_red_flag_acknowledged_in_time_is_not_escalated(harness: BotHarness) -> None:
    await raise_red_flag(harness, red_flag_ack_minutes=10)
    harness.clock.advance(timedelta(minutes=6))
    await harness.press(GROUP, "ack:1", user_id=NURSE)
    harness.clock.advance(timedelta(hours=2))
    await harness.tick()
    assert harness.telegram.sent(SUPERVISOR) == []
    assert not any("未在" in text for text in group_texts(harness))
    await harness.text(SUPERVISOR, "/stats")
    summary = harness.telegram.last_text(SUPERVISOR)
    assert "确认用时中位数 6.0 分钟" in summary and "超时未确认 0 次" in summary


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
async def test_after_acknowledging_the_outcome_and_a_note_are_recorded(
    harness: BotHarness, locale: str
) -> None:
    await raise_red_flag(harness, locale)
    words = WORDS[locale]
    assert alert_buttons(harness) == ["ack:1", "rf:phone:1"]
    assert words["deadline"] in harness.telegram.text_with_button(GROUP, "ack:")
    await harness.press(GROUP, "rf:outcome:1:called_patient", user_id=4444)  # not staff
    assert harness.telegram.answered_callbacks()[-1].get("show_alert")
    await harness.press(GROUP, "ack:1", user_id=NURSE)
    outcomes = [f"rf:outcome:1:{outcome}" for outcome in RedFlagOutcome]
    assert alert_buttons(harness) == [*outcomes, "rf:phone:1"]
    to_patient = len(harness.telegram.sent(CHAT))
    await harness.press(GROUP, "rf:outcome:1:called_patient", user_id=NURSE)
    prompt = harness.telegram.sent(GROUP)[-1]
    assert words["outcome"] in str(prompt.params["text"])
    prompt_id = int(prompt.result["message_id"])
    assert alert_buttons(harness) == ["rf:phone:1"]
    case = await harness.services.store.cases.get(1)
    assert case is not None and case.status is CaseStatus.CLOSED
    assert case.red_flag_outcome is RedFlagOutcome.CALLED_PATIENT
    await harness.press(GROUP, "rf:outcome:1:no_action_needed", user_id=NURSE)  # once only
    assert harness.telegram.answered_callbacks()[-1].get("show_alert")
    note = "已电话联系,患者已去急诊,家属陪同。"
    await harness.text(GROUP, note, user_id=NURSE, reply_to=prompt_id)
    assert words["note"] in harness.telegram.last_text(GROUP)
    case = await harness.services.store.cases.get(1)
    assert case is not None and case.summary == note
    assert case.red_flag_outcome is RedFlagOutcome.CALLED_PATIENT
    assert len(harness.telegram.sent(CHAT)) == to_patient  # nothing of this reaches the patient
    kinds = [e.kind for e in await harness.services.store.cases.events(1)]
    assert kinds[-3:] == ["red_flag_outcome", "red_flag_note_prompt", "red_flag_note"]


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
async def test_the_phone_is_shown_only_to_nurses_of_the_department_and_supervisors(
    harness: BotHarness, locale: str
) -> None:
    await raise_red_flag(harness, locale)
    words = WORDS[locale]
    for user in (NURSE, SUPERVISOR):
        await harness.press(GROUP, "rf:phone:1", user_id=user)
        shown = harness.telegram.answered_callbacks()[-1]
        assert PHONE in shown["text"] and shown["show_alert"]
    for user in (DOCTOR, OTHER_NURSE, OTHER_SUPERVISOR, 4444):
        await harness.press(GROUP, "rf:phone:1", user_id=user)
        refused = harness.telegram.answered_callbacks()[-1]
        assert PHONE not in refused["text"] and words["phone_refused"] in refused["text"]
    assert all(PHONE not in text for text in group_texts(harness))
    since = harness.clock.now() - timedelta(days=1)
    reads = [
        e for e in await harness.services.store.audit.since(since) if e.action == "patient.phone"
    ]
    assert [(e.actor_id, e.subject) for e in reads] == [
        (str(NURSE), "case:1"),
        (str(SUPERVISOR), "case:1"),
    ]


async def test_a_complaint_is_not_reminded_right_after_it_is_posted(harness: BotHarness) -> None:
    harness.settings = harness.settings.model_copy(update={"staff_chat_id": GROUP})
    await harness.restart()
    await seed(harness.settings, record(department="呼吸科", discharged_at=local("2026-11-20")))
    await enrol(harness, CHAT)
    harness.clock.advance(local("2026-11-23", "10:00") - harness.clock.now())  # a Monday
    await harness.text(CHAT, "/complain")
    await harness.text(CHAT, "夜里病房太吵。")
    await harness.press(CHAT, "cp:c:department")
    await harness.press(CHAT, "cp:ok")
    case = await harness.services.store.cases.get(1)
    assert case is not None and case.ack_due_at == local("2026-11-24", "10:00")

    def reminders() -> int:
        return sum("提醒" in text for text in group_texts(harness))

    for moment in ("10:00", "10:01", "21:59"):  # the first half of the one-day window
        harness.clock.advance(local("2026-11-23", moment) - harness.clock.now())
        await harness.tick()
    assert reminders() == 0
    for moment in ("22:00", "22:05"):
        harness.clock.advance(local("2026-11-23", moment) - harness.clock.now())
        await harness.tick()
    assert reminders() == 1


@pytest.mark.parametrize(
    ("start", "due", "remind"),
    [
        ("2026-11-23 10:00", "2026-11-24 10:00", "2026-11-23 22:00"),  # one day: halfway
        ("2026-11-20 10:00", "2026-11-23 10:00", "2026-11-22 10:00"),  # over a weekend: 24 h
        ("2026-11-23 10:00", "2026-11-30 10:00", "2026-11-29 10:00"),  # seven days: 24 h
        ("2026-11-23 10:00", "2026-11-23 14:00", "2026-11-23 12:00"),  # a short window: halfway
    ],
)
def test_a_deadline_is_reminded_late_enough_to_be_useful(start: str, due: str, remind: str) -> None:
    assert reminder_at(local(*start.split()), local(*due.split())) == local(*remind.split())
