"""Broadcasts reach exactly the cohort's consenting patients, paced by the dispatcher."""

from __future__ import annotations

from bot.demo.harness import BotHarness
from bot.domain.enrolment import ConsentDecision
from bot.domain.roles import Role
from tests.harness import enrol, local, record, seed

ADMIN = 951


async def test_broadcast_reaches_exactly_the_consenting_cohort(harness: BotHarness) -> None:
    await seed(
        harness.settings,
        record("C1", department="心内科", discharged_at=local("2026-11-10")),
        record("C2", department="心内科", discharged_at=local("2026-11-12")),
        record("C3", department="心内科", discharged_at=local("2026-11-13")),
        record("R1", department="呼吸科", discharged_at=local("2026-11-12")),
    )
    for chat, number in ((11, "C1"), (12, "C2"), (13, "C3"), (14, "R1")):
        await enrol(harness, chat, number)
    store, now = harness.services.store, harness.clock.now()
    [withdrawn] = await store.contacts.for_chat(13)
    await store.contacts.set_consent([withdrawn.id], ConsentDecision.WITHDRAWN, now, via="test")
    await store.staff.upsert(ADMIN, Role.ADMIN, None, None, now)
    await harness.text(
        ADMIN, "/broadcast plans/chronic/diet 科室=心内科 from=2026-11-01 to=2026-11-30"
    )
    assert "<b>2</b>" in harness.telegram.sent(ADMIN)[-2].params["text"]
    preview = harness.telegram.last_text(ADMIN)
    await harness.press(ADMIN, "bc:ok")
    assert "2 条" in harness.telegram.last_text(ADMIN)
    before = {chat: len(harness.telegram.delivered_to(chat)) for chat in (11, 12, 13, 14)}
    await harness.tick()
    after = {chat: len(harness.telegram.delivered_to(chat)) for chat in (11, 12, 13, 14)}
    sent = {
        chat
        for chat in after
        if any(
            c.params["text"] == preview for c in harness.telegram.delivered_to(chat)[before[chat] :]
        )
    }
    assert sent == {11, 12}


async def test_broadcast_is_for_admins_and_checks_its_template(harness: BotHarness) -> None:
    now = harness.clock.now()
    await harness.services.store.staff.upsert(ADMIN, Role.ADMIN, None, None, now)
    await harness.services.store.staff.upsert(952, Role.SUPERVISOR, None, None, now)
    await harness.text(952, "/broadcast plans/chronic/diet")
    assert "仅限管理员" in harness.telegram.last_text(952)
    await harness.text(ADMIN, "/broadcast enrol/greeting")  # needs variables a broadcast lacks
    assert "用法" in harness.telegram.last_text(ADMIN)
    await harness.text(ADMIN, "/broadcast plans/chronic/diet 床号=3")
    assert "床号=3" in harness.telegram.last_text(ADMIN)


async def test_the_broadcast_preview_names_the_configured_hospital(harness: BotHarness) -> None:
    harness.settings = harness.settings.model_copy(update={"hospital_name": "县人民医院"})
    await harness.restart()
    await harness.services.store.staff.upsert(ADMIN, Role.ADMIN, None, None, harness.clock.now())
    await harness.text(ADMIN, "/broadcast plans/general/day1_home_care")
    preview = harness.telegram.last_text(ADMIN)
    assert "县人民医院" in preview and "市第一人民医院" not in preview
