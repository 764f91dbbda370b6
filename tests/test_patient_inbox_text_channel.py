"""The plain-text channel's free text takes the same triage and recording path as Telegram."""

from __future__ import annotations

from bot.demo.harness import BotHarness
from bot.domain.cases import CaseKind
from bot.domain.triage import Triage
from tests.harness import local, record, seed
from tests.text_patients import PHONE, enrol_by_phone, say_to_bot, start_with_text_line

GROUP = -1008311


def staff_posts(harness: BotHarness) -> list[str]:
    return [str(c.params.get("text", "")) for c in harness.telegram.delivered_to(GROUP)]


async def test_danger_by_text_alerts_staff_and_advises_the_patient(harness: BotHarness) -> None:
    line = await start_with_text_line(harness, GROUP)
    await seed(harness.settings, record(department="呼吸科", discharged_at=local("2026-11-20")))
    contact = await enrol_by_phone(harness)
    await say_to_bot(harness, "我今天胸口很痛,喘不上气")
    assert any("我今天胸口很痛,喘不上气" in post for post in staff_posts(harness))
    advice = line.texts_to(PHONE)[-1]
    assert "120" in advice and "<b>" not in advice  # plain text on this channel
    [case] = await harness.services.store.cases.for_patient(contact.patient_id)
    assert case.kind is CaseKind.RED_FLAG


async def test_a_question_by_text_is_recorded_and_put_before_staff(harness: BotHarness) -> None:
    line = await start_with_text_line(harness, GROUP)
    await seed(harness.settings, record(department="呼吸科", discharged_at=local("2026-11-20")))
    contact = await enrol_by_phone(harness)
    await say_to_bot(harness, "请问复诊前需要空腹吗")
    assert any("请问复诊前需要空腹吗" in post for post in staff_posts(harness))
    told = line.texts_to(PHONE)[-1]
    assert "详细记录" in told and "2026-11-29" in told
    [kept] = await harness.services.store.patient_messages.for_chat(contact.chat_id)
    assert kept.triage is Triage.OTHER and kept.case_id is not None
    assert harness.telegram.copies(GROUP) == []  # nothing to copy: the words are the message


async def test_a_death_by_text_gets_condolence(harness: BotHarness) -> None:
    line = await start_with_text_line(harness, GROUP)
    await seed(harness.settings, record(department="呼吸科", discharged_at=local("2026-11-20")))
    await enrol_by_phone(harness)
    await say_to_bot(harness, "老人家前天已经过世了")
    assert "保重身体" in line.texts_to(PHONE)[-1]
    assert harness.telegram.button(GROUP, "dr:").startswith("dr:")
