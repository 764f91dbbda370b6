"""Admins change a plan step in chat; pending steps are re-planned, sent ones stay."""

from __future__ import annotations

from bot.demo.harness import BotHarness
from bot.domain.roles import Role
from bot.storage.schema import scheduled_messages as m
from tests.harness import RecordFields, enrol, local, record, seed

ADMIN = 971
GENERAL: RecordFields = {"department": "呼吸科", "discharged_at": local("2026-11-20")}


async def test_changing_an_offset_replans_pending_steps(harness: BotHarness) -> None:
    await seed(harness.settings, record(**GENERAL))
    await enrol(harness, 31)
    await harness.tick()  # day-1 tips go out
    await harness.services.store.staff.upsert(ADMIN, Role.ADMIN, None, None, harness.clock.now())
    await harness.text(ADMIN, "/plan general")
    assert "day7" in harness.telegram.last_text(ADMIN)
    await harness.text(ADMIN, "/planstep general day7 offset=8d")
    assert "已修改" in harness.telegram.last_text(ADMIN)
    await harness.tick()
    [day7] = await harness.services.store.outbox.rows(m.c.step_key == "day7")
    assert day7.send_at == local("2026-11-28")
    [tips] = await harness.services.store.outbox.rows(m.c.step_key == "day1_home_care")
    assert tips.status == "sent"
    await harness.restart()  # the change is kept
    plan = harness.services.scheduling.plans.plans["general"]
    assert str(plan.step("day7").offset) == "8d"  # type: ignore[union-attr]


async def test_switching_a_step_off_and_refusals(harness: BotHarness) -> None:
    await seed(harness.settings, record(**GENERAL))
    await enrol(harness, 31)
    await harness.services.store.staff.upsert(ADMIN, Role.ADMIN, None, None, harness.clock.now())
    await harness.text(ADMIN, "/planstep general day14_healthy_living enabled=off")
    await harness.tick()
    [tips] = await harness.services.store.outbox.rows(m.c.step_key == "day14_healthy_living")
    assert tips.status == "cancelled"
    for bad in (
        "/planstep general day7 offset=3x",
        "/planstep general nosuch offset=2d",
        "/planstep general day7 template=nothing/here",
        "/planstep general day7 key=x",
    ):
        await harness.text(ADMIN, bad)
        assert "未修改" in harness.telegram.last_text(ADMIN)
    await harness.text(972, "/planstep general day7 offset=2d")
    assert "仅限管理员" in harness.telegram.last_text(972)
