"""Seed plans through the real Application: weekday afternoons, treatment dates, 特殊标记."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.demo.harness import BotHarness
from bot.domain.discharge.reader import parse_discharge_table
from bot.domain.plans.errors import PlanError
from bot.domain.tabular import read_table
from bot.services.planning import load_scheduling
from bot.storage.outbox_records import OutboxRow
from bot.storage.schema import scheduled_messages as m
from bot.templating import Renderer
from tests.harness import SHANGHAI, enrol, local, make_settings, record, seed

CHAT = 5151


async def rows(harness: BotHarness) -> dict[tuple[str, int], OutboxRow]:
    found = await harness.services.store.outbox.rows(m.c.contact_id > 0)
    return {(r.step_key, r.occurrence): r for r in found}


async def answer(harness: BotHarness, question: str, value: str) -> None:
    """Press the answer button for question/value on the chat's last message."""
    pattern = re.compile(rf"^sv:\d+:{question}:{value}$")
    data = next(d for d in harness.telegram.latest_buttons(CHAT) if pattern.match(d))
    await harness.press(CHAT, data, user_id=CHAT)


async def answer_week2_opening(harness: BotHarness) -> None:
    """Bring the chronic plan's week-2 check-in and answer its first three questions."""
    week2 = (await rows(harness))[("week2", 0)]
    harness.clock.advance(week2.send_at - harness.clock.now())
    await harness.tick()  # the earlier steps, two weeks late, are recorded as missed
    harness.clock.advance(timedelta(minutes=2))
    await harness.tick()  # the check-in goes once no earlier step waits
    for question, value in [
        ("good_time", "yes"),
        ("condition", "better"),
        ("new_symptoms", "no"),
    ]:
        await answer(harness, question, value)


async def test_psychiatry_check_ins_go_out_on_weekday_afternoons(harness: BotHarness) -> None:
    patient = record(department="精神科", diagnosis="精神分裂症", discharged_at=local("2026-11-20"))
    await seed(harness.settings, patient)
    await enrol(harness, CHAT)
    planned = await rows(harness)
    checkins = [r for r in planned.values() if r.kind == "checkin"]
    assert {r.step_key for r in checkins} == {"month1", "half_monthly"}
    assert len(checkins) == 1 + 22  # one month, then every half month for a year
    for row in checkins:
        sent = row.send_at.astimezone(SHANGHAI)
        assert sent.weekday() < 5, row  # Monday to Friday
        assert "15:00" <= f"{sent:%H:%M}" < "18:00", row  # afternoon ∩ send windows
    month1 = planned[("month1", 0)]
    assert month1.due_at == local("2026-12-20")  # a Sunday: moved to Monday afternoon
    assert month1.send_at.astimezone(SHANGHAI).date() == date(2026, 12, 21)

    harness.clock.advance(month1.send_at - harness.clock.now())
    await harness.tick()
    assert harness.telegram.last_buttons(CHAT)[0].startswith("sv:")
    assert "您出院已经一个多月了" in harness.telegram.last_text(CHAT)  # the real time

    harness.clock.advance(local("2026-12-22", "19:00") - harness.clock.now())
    await harness.tick()  # unanswered for a day: asked again, on an afternoon again
    again = (await rows(harness))[("month1", 0)]
    assert again.status == "pending" and again.tries == 1
    retry = again.send_at.astimezone(SHANGHAI)
    assert retry.date() == date(2026, 12, 23)  # not at 19:00 on Tuesday, though a send window
    assert "15:00" <= f"{retry:%H:%M}" < "18:00"


async def test_treatment_steps_count_from_the_lists_treatment_date(
    harness: BotHarness, tmp_path: Path
) -> None:
    csv = tmp_path / "list.csv"
    csv.write_text(
        "住院号,姓名,科室,出院诊断,出院日期,治疗日期,是否同意回访,电话\n"
        "ZY001,李四,妇科,尖锐湿疣,2026-11-21 10:00,2026-11-20,是,13800138001\n"
        "ZY002,王五,妇科,尖锐湿疣,2026-11-21 10:00,,是,13800138002\n",
        encoding="utf-8",
    )
    parsed = parse_discharge_table(read_table(csv), SHANGHAI)
    assert not parsed.errors
    assert [r.treated_on for r in parsed.records] == [date(2026, 11, 20), None]
    await seed(harness.settings, *parsed.records)
    await enrol(harness, CHAT, "ZY001")
    await enrol(harness, CHAT + 1, "ZY002")
    found = await harness.services.store.outbox.rows(m.c.step_key == "day3")
    by_contact = sorted((r.contact_id, r.due_at) for r in found)
    assert [due for _, due in by_contact] == [
        local("2026-11-23"),  # 3 days after the treatment on 11-20
        local("2026-11-24"),  # no treatment date: 3 days after discharge
    ]
    assert {r.plan_key for r in found} == {"gyn_condyloma"}


async def test_a_post_surgery_mark_brings_the_wound_question_to_any_plan(
    harness: BotHarness,
) -> None:
    flagged = record(department="心内科", diagnosis="冠心病 PCI", flags="术后")
    await seed(harness.settings, flagged)
    await enrol(harness, CHAT)
    assert (await rows(harness))[("week2", 0)].plan_key == "chronic"  # the department rule
    await answer_week2_opening(harness)
    await answer(harness, "wound", "healing")
    await answer(harness, "home_monitoring", "regular")
    [session] = await harness.services.store.surveys.open_for_chat(CHAT)
    answers = await harness.services.store.surveys.answers(session.id)
    assert answers["wound"] == "healing"


async def test_without_the_mark_a_chronic_patient_is_not_asked_about_a_wound(
    harness: BotHarness,
) -> None:
    await seed(harness.settings, record(department="心内科", diagnosis="冠心病"))
    await enrol(harness, CHAT)
    await answer_week2_opening(harness)
    buttons = harness.telegram.latest_buttons(CHAT)
    assert any(":home_monitoring:" in b for b in buttons)
    assert not any(":wound:" in b for b in buttons)


async def test_patients_from_elsewhere_get_one_call_within_three_days(
    harness: BotHarness,
) -> None:
    await seed(harness.settings, record(department="眼科", diagnosis="白内障", flags="外地"))
    await enrol(harness, CHAT)
    planned = await rows(harness)
    assert {r.plan_key for r in planned.values()} == {"general_remote"}
    checkins = [key for key, r in planned.items() if r.kind == "checkin"]
    assert checkins == [("day2", 0)]
    assert planned[("day2", 0)].due_at == local("2026-11-22")


async def test_a_local_patient_is_called_at_a_week_a_month_and_half_a_year(
    harness: BotHarness,
) -> None:
    await seed(harness.settings, record(department="眼科", diagnosis="白内障"))
    await enrol(harness, CHAT)
    planned = await rows(harness)
    checkins = {key[0]: r.due_at for key, r in planned.items() if r.kind == "checkin"}
    assert checkins == {
        "day3": local("2026-11-23"),
        "day7": local("2026-11-27"),
        "day30": local("2026-12-20"),
        "month6": local("2027-05-20"),
    }


def test_step_hours_outside_the_send_windows_are_refused_at_start(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, send_windows="08:00-11:30")
    with pytest.raises(PlanError) as caught:
        load_scheduling(settings, Renderer())
    message = str(caught.value)
    assert message.startswith("messages/plans/psychiatry.yaml, step month1, field hours: ")
    assert "(08:00-11:30, FOLLOWUP_SEND_WINDOWS)" in message
