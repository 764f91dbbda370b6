"""Property: nothing is ever sent to a chat that withdrew, or for a patient excluded,
deceased or erased, whatever the order of status changes and dispatcher ticks."""

from __future__ import annotations

import asyncio
import tempfile
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from bot.demo.harness import BotHarness
from bot.domain.discharge.model import ExclusionReason
from bot.domain.enrolment import ConsentDecision
from bot.storage.schema import patients
from tests.harness import START, RecordFields, enrol, local, make_settings, record, seed

CHANGES = ("withdraw", "exclude", "deceased", "erased", "block", "nothing")
events = st.lists(
    st.tuples(st.integers(0, 4), st.sampled_from(CHANGES), st.integers(1, 48)),
    min_size=1,
    max_size=8,
)


async def _apply(harness: BotHarness, chat: int, change: str) -> None:
    store, now = harness.services.store, harness.clock.now()
    [contact] = await store.contacts.for_chat(chat)
    if change == "withdraw":
        await store.contacts.set_consent([contact.id], ConsentDecision.WITHDRAWN, now, via="test")
    elif change == "exclude":
        number = f"ZY{chat - 1:03d}"  # chat n follows patient ZY(n-1)
        excluded = record(number, flags="纠纷", exclusion=ExclusionReason.DISPUTE, **_base())
        await seed(harness.settings, excluded)
    elif change in ("deceased", "erased"):
        async with store.engine.begin() as conn:
            column = patients.c.deceased_at if change == "deceased" else patients.c.erased_at
            await conn.execute(
                update(patients).where(patients.c.id == contact.patient_id).values({column: now})
            )
    elif change == "block":
        harness.telegram.blocked.add(chat)


def _base() -> RecordFields:
    return {
        "department": "呼吸科",
        "discharged_at": local("2026-11-21"),
        "medications": "阿司匹林 100mg bid 10天",
    }


async def _run(history: list[tuple[int, str, int]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        harness = BotHarness(make_settings(Path(folder)), START)
        await harness.start()
        try:
            chats = list(range(5))
            await seed(harness.settings, *(record(f"ZY{c:03d}", **_base()) for c in chats))
            for chat in chats:
                await enrol(harness, chat + 1, f"ZY{chat:03d}")
            stopped: set[int] = set()
            for chat, change, hours in history:
                await _apply(harness, chat + 1, change)
                if change != "nothing":
                    stopped.add(chat + 1)
                before = len(harness.telegram.delivered)
                harness.clock.advance(timedelta(hours=hours))
                await harness.tick()
                new = harness.telegram.delivered[before:]
                assert not [c for c in new if int(c.params["chat_id"]) in stopped]
        finally:
            await harness.stop()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=events)
def test_never_sends_after_a_stop(history: list[tuple[int, str, int]]) -> None:
    asyncio.run(_run(history))
