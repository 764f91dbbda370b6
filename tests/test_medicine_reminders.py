"""Discharge medicines: tips apart from reminders, long-term medicines, stops, odd regimens."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app
from bot.demo.harness import BotHarness
from bot.domain.periods import month_period
from bot.domain.roles import Role
from bot.services.statistics import compute_stats
from bot.settings import Settings
from bot.storage.schema import scheduled_messages as m
from tests.harness import SHANGHAI, START, RecordFields, enrol, local, record, seed

CHAT = 888
STAFF = 7101
STAFF_GROUP = -1001234
GENERAL: RecordFields = {"department": "呼吸科", "discharged_at": local("2026-11-20")}
CHRONIC: RecordFields = {
    "department": "心内科",
    "plan": "chronic",
    "discharged_at": local("2026-11-20"),
}
LONG_TERM = "阿司匹林肠溶片 100mg qd 长期"
runner = CliRunner()


async def go_to(harness: BotHarness, moment: object) -> None:
    harness.clock.advance(moment - harness.clock.now())  # type: ignore[operator]
    await harness.tick()


async def sent_at(harness: BotHarness, day: str, clock: str = "08:00") -> list[str]:
    """Go to a local time and return the texts the patient's chat received then."""
    mark = len(harness.telegram.delivered_to(CHAT))
    await go_to(harness, local(day, clock))
    return [str(c.params.get("text", "")) for c in harness.telegram.delivered_to(CHAT)[mark:]]


async def with_staff_group(harness: BotHarness) -> None:
    harness.settings = harness.settings.model_copy(update={"staff_chat_id": STAFF_GROUP})
    await harness.restart()


async def test_a_medicine_tip_has_no_buttons_and_never_counts_in_adherence(
    harness: BotHarness,
) -> None:
    await seed(harness.settings, record(**CHRONIC))  # no discharge medicines at all
    await enrol(harness, CHAT)
    await go_to(harness, local("2026-11-23", "15:00"))
    [tip] = [c for c in harness.telegram.delivered_to(CHAT) if "用药小知识" in c.params["text"]]
    assert "reply_markup" not in tip.params
    [row] = await harness.services.store.outbox.rows(m.c.step_key == "day3_medication")
    assert row.kind == "medication_tip"
    await harness.press(CHAT, f"md:taken:{row.id}")  # a forged "taken" on the tip
    assert harness.telegram.answered_callbacks()[-1]["text"] == "抱歉,这个问题已经结束了。"
    services = harness.services
    stats = await compute_stats(
        services.store,
        services.scheduling.surveys,
        services.settings.zone,
        month_period("2026-11"),
        None,
        min_answers=1,
    )
    assert stats.medication == {} and stats.adherence is None


async def test_a_long_term_medicine_reminds_on_day_40_and_asks_monthly(
    harness: BotHarness,
) -> None:
    await with_staff_group(harness)
    await seed(harness.settings, record(medications=LONG_TERM, **GENERAL))
    await enrol(harness, CHAT)
    planned = await harness.services.store.outbox.rows(m.c.step_key == "med0")
    assert max(row.due_at for row in planned) <= START + timedelta(days=60)  # a rolling horizon
    await go_to(harness, local("2026-12-21", "08:00"))  # 30 days after the first reminder
    await go_to(harness, local("2026-12-21", "08:01"))
    question = harness.telegram.text_with_button(CHAT, "mc:yes")
    assert "阿司匹林肠溶片" in question and "还在按医嘱服用吗" in question
    await harness.press(CHAT, harness.telegram.button(CHAT, "mc:yes"))
    assert "会继续按时提醒您" in harness.telegram.last_text(CHAT)
    day_40 = await sent_at(harness, "2026-12-30")  # beyond the 14-day default
    assert any("阿司匹林肠溶片" in text for text in day_40)
    day_71 = await sent_at(harness, "2027-01-30")  # past the first 60-day horizon
    assert any("阿司匹林肠溶片" in text for text in day_71)
    await go_to(harness, local("2027-02-19", "08:00"))
    assert any("还在按医嘱服用吗" in text for text in await sent_at(harness, "2027-02-19", "08:01"))


async def test_a_patient_who_stopped_gets_no_more_reminders_and_staff_are_told(
    harness: BotHarness,
) -> None:
    await with_staff_group(harness)
    meds = f"{LONG_TERM}；美托洛尔 25mg bid 2个月"
    await seed(harness.settings, record(medications=meds, **GENERAL))
    await enrol(harness, CHAT)
    await go_to(harness, local("2026-12-21", "08:01"))
    await harness.press(CHAT, harness.telegram.button(CHAT, "mc:stopped"))
    assert "不再发送 阿司匹林肠溶片 的服药提醒" in harness.telegram.last_text(CHAT)
    staff_notice = harness.telegram.last_text(STAFF_GROUP)
    assert "患者告知已停药" in staff_notice and "阿司匹林肠溶片" in staff_notice
    assert not await harness.services.store.outbox.rows(
        m.c.step_key.in_(("med0", "med0_check")), m.c.status == "pending"
    )
    assert await harness.services.store.outbox.rows(  # the other medicine goes on
        m.c.step_key == "med1", m.c.status == "pending"
    )
    later = await sent_at(harness, "2027-01-30")  # the sweeps planned further ahead
    assert not any("阿司匹林肠溶片" in text for text in later)
    assert not await harness.services.store.outbox.rows(
        m.c.step_key == "med0", m.c.status == "pending"
    )
    [entry] = [e for e in await harness.services.store.audit.since(START) if "medicine" in e.action]
    assert entry.actor_kind == "contact"


async def test_staff_list_and_stop_a_medicines_reminders(harness: BotHarness) -> None:
    meds = f"{LONG_TERM}；美托洛尔 25mg bid 30天"
    await seed(harness.settings, record(medications=meds, **CHRONIC))
    await enrol(harness, CHAT)
    store = harness.services.store
    await store.staff.upsert(STAFF, Role.STAFF, "心内科", "刘护士长", START)
    await harness.text(STAFF, "/stopmed ZY001")
    listing = harness.telegram.last_text(STAFF)
    assert "1. 阿司匹林肠溶片 100mg qd 长期（提醒中）" in listing
    assert "2. 美托洛尔 25mg bid 30天（提醒中）" in listing
    await harness.text(STAFF, "/stopmed ZY001 3")
    assert "没有这个序号" in harness.telegram.last_text(STAFF)
    await harness.text(STAFF, "/stopmed ZY001 1")
    assert "已停止 阿司匹林肠溶片 的服药提醒" in harness.telegram.last_text(STAFF)
    assert not await store.outbox.rows(m.c.step_key == "med0", m.c.status == "pending")
    assert await store.outbox.rows(m.c.step_key == "med1", m.c.status == "pending")
    await harness.text(STAFF, "/stopmed ZY001 1")
    assert "此前已经停止" in harness.telegram.last_text(STAFF)
    await harness.text(STAFF, "/stopmed ZY404 1")
    assert "未找到" in harness.telegram.last_text(STAFF)
    [entry] = [e for e in await store.audit.since(START) if e.action == "medicine.stop"]
    assert (entry.actor_kind, entry.actor_id) == ("staff", str(STAFF))
    day_40 = await sent_at(harness, "2026-12-30")
    assert not any("阿司匹林肠溶片" in text for text in day_40)


async def test_every_other_day_reminds_every_second_day(harness: BotHarness) -> None:
    await seed(harness.settings, record(medications="华法林 3mg 隔日一次 14天", **GENERAL))
    await enrol(harness, CHAT)
    rows = await harness.services.store.outbox.rows(m.c.step_key == "med0")
    days = [row.due_at.astimezone(SHANGHAI).date() for row in rows]
    assert days == [date(2026, 11, 24) + timedelta(days=2 * k) for k in range(6)]  # to 12-04
    assert any("华法林" in text for text in await sent_at(harness, "2026-11-24"))
    assert not any("华法林" in text for text in await sent_at(harness, "2026-11-25"))
    assert any("华法林" in text for text in await sent_at(harness, "2026-11-26"))


async def test_an_irregular_regimen_makes_no_reminder(harness: BotHarness) -> None:
    meds = "泼尼松 30mg 每日一次，每周减5mg；甲氨蝶呤 10mg 服6天停1天；铁剂 1片 每周一、三、五"
    await seed(harness.settings, record(medications=meds, **GENERAL))
    await enrol(harness, CHAT)
    store = harness.services.store
    assert not await store.outbox.rows(m.c.kind == "medication")


def test_a_tapering_line_is_warned_about_and_makes_no_reminder(
    cli_env: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "meds.csv"
    path.write_text(
        "住院号,姓名,科室,出院时间,是否同意回访,出院带药\n"
        "ZY1,甲,心内科,2026-11-01,是,阿司匹林肠溶片 100mg qd 30天\n"
        "ZY2,乙,风湿科,2026-11-01,是,泼尼松 30mg 每日一次，每周减5mg; 甲氨蝶呤 10mg 服6天停1天\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 0, result.output
    assert "第 3 行" in result.output and "泼尼松 30mg 每日一次，每周减5mg" in result.output
    assert "甲氨蝶呤 10mg 服6天停1天" in result.output and "用法不固定" in result.output
    assert "第 2 行" not in result.output


async def test_a_chronic_plan_keeps_unmarked_medicines_going_and_others_stop_at_14_days(
    harness: BotHarness,
) -> None:
    meds = "二甲双胍 0.5g bid"  # no course length, no 长期
    await seed(harness.settings, record(medications=meds, **CHRONIC))
    await seed(harness.settings, record("ZY002", medications=meds, **GENERAL))
    await enrol(harness, CHAT)
    await enrol(harness, 999, "ZY002")
    await go_to(harness, local("2026-12-30", "07:59"))
    mark = {chat: len(harness.telegram.delivered_to(chat)) for chat in (CHAT, 999)}
    await go_to(harness, local("2026-12-30", "08:00"))
    new = {chat: harness.telegram.delivered_to(chat)[mark[chat] :] for chat in mark}
    assert any("二甲双胍" in str(c.params.get("text")) for c in new[CHAT])
    assert not any("二甲双胍" in str(c.params.get("text")) for c in new[999])
