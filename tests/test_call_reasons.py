"""Calls owed for failed check-ins, red flags and questions; the red flag's call comes first."""

from __future__ import annotations

from sqlalchemy import update

from bot.demo.harness import BotHarness
from bot.domain.calls import CallReason, CallStatus
from bot.domain.cases import CaseKind, CaseSource, CaseStatus
from bot.storage.cases import NewCase
from bot.storage.records import Contact
from bot.storage.schema import cases
from tests.call_cohort import WARD, Stay, arrange, fail_step, link, sweep, tasks_by_number
from tests.harness import local


async def test_a_failed_check_in_and_red_flags_and_questions_are_owed_calls(
    harness: BotHarness,
) -> None:
    await arrange(harness, [Stay(f"ZY20{n}", "no_channel", WARD) for n in range(3)])
    silent = await link(harness, "ZY200", 7200, "chat")
    flagged = await link(harness, "ZY201", 7201, "chat")
    asking = await link(harness, "ZY202", 7202, "sms")
    harness.clock.advance(local("2026-11-24", "10:00") - harness.clock.now())
    await fail_step(harness, silent, "day3")
    store, now = harness.services.store, harness.clock.now()
    red = await store.cases.open(_case(CaseKind.RED_FLAG, flagged), now)
    await store.cases.open(_case(CaseKind.QUESTION, asking), now)
    await store.cases.open(_case(CaseKind.QUESTION, flagged), now)  # in a chat: answered there
    await sweep(harness)
    owed = await tasks_by_number(harness)
    assert owed["ZY200"][:2] == (CallReason.MESSAGES_FAILED, CallStatus.OPEN)
    assert owed["ZY200"][3] == local("2026-11-25", "14:00")  # a day after it failed
    assert owed["ZY201"][:2] == (CallReason.RED_FLAG, CallStatus.OPEN)
    assert owed["ZY201"][3] == local("2026-11-24", "10:00")  # urgent: at once, not at 14:00
    assert owed["ZY202"][0] == CallReason.QUESTION  # (added after its day-3 call)
    assert owed["ZY201"][2] > owed["ZY202"][2] > owed["ZY200"][2]
    async with store.engine.begin() as conn:
        closed = update(cases).where(cases.c.id == red.id)
        await conn.execute(closed.values(status=CaseStatus.CLOSED.value))
    await sweep(harness, local("2026-11-24", "11:00"))
    assert (await tasks_by_number(harness))["ZY201"][1] == CallStatus.CANCELLED


def _case(kind: CaseKind, contact: Contact) -> NewCase:
    return NewCase(kind, contact.patient_id, contact.episode_id, contact.id, CaseSource.SURVEY)
