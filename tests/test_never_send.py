"""Property: nothing is ever sent to a chat that withdrew, or for a patient excluded,
deceased or erased, whatever the order of status changes and dispatcher ticks; and by SMS,
nothing to a patient who did not consent on the list, who prefers the phone (电话), or whose
SMS contact a chat took over."""

from __future__ import annotations

import asyncio
import tempfile
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from bot.demo.harness import BotHarness
from bot.domain.channel_messages import Address, ChannelName
from bot.domain.discharge.model import DischargeRecord, ExclusionReason
from bot.domain.enrolment import ConsentDecision
from bot.domain.reach import PreferredChannel
from bot.services.invitations import InviteRefused, invite_patient
from bot.storage.audit import Actor
from bot.storage.schema import patients
from tests.harness import START, RecordFields, enrol, local, make_settings, record, seed
from tests.sms_reach_world import SmsReached, with_sms

CHANGES = ("withdraw", "exclude", "deceased", "erased", "block", "take_over", "nothing")
KINDS = ("telegram", "sms", "phone_preferred", "no_consent")  # how each patient is reached
PATIENTS = 5
events = st.lists(
    st.tuples(st.integers(0, PATIENTS - 1), st.sampled_from(CHANGES), st.integers(1, 48)),
    min_size=1,
    max_size=8,
)
kinds = st.lists(st.sampled_from(KINDS), min_size=PATIENTS, max_size=PATIENTS)


def phone(n: int) -> Address:
    """Patient n's phone on SMS (its last four digits answer the identity check)."""
    return Address(ChannelName.SMS, f"1380013800{n}")


def _record(n: int, kind: str) -> DischargeRecord:
    refused = {"consent": False, "exclusion": ExclusionReason.NO_CONSENT}
    fields = {
        "phone": phone(n).chat,
        **(refused if kind == "no_consent" else {}),
        **({"preferred_channel": PreferredChannel.PHONE} if kind == "phone_preferred" else {}),
    }
    return record(f"ZY{n:03d}", **fields, **_base())


async def _apply(harness: BotHarness, n: int, kind: str, change: str) -> set[object]:
    """Make one change to patient n; return where nothing may go any more."""
    store, now = harness.services.store, harness.clock.now()
    if kind == "telegram":
        found = await store.contacts.for_chat(n + 1)
    else:
        found = await store.contacts.at_address(ChannelName.SMS, phone(n).chat)
    where: set[object] = {n + 1} if kind == "telegram" else {phone(n)}
    if change == "take_over":
        if kind != "sms":
            return set()
        await _enrol_in_chat(harness, n)
    elif change == "withdraw" and found:
        await store.contacts.set_consent([found[0].id], ConsentDecision.WITHDRAWN, now, "test")
    elif change == "exclude":
        excluded = record(f"ZY{n:03d}", flags="纠纷", exclusion=ExclusionReason.DISPUTE, **_base())
        await seed(harness.settings, excluded)
        where.add(100 + n)  # a chat that took over stops too
    elif change in ("deceased", "erased"):
        episode = await store.episodes.latest_for(f"ZY{n:03d}")
        assert episode is not None
        column = patients.c.deceased_at if change == "deceased" else patients.c.erased_at
        async with store.engine.begin() as conn:
            whose = patients.c.id == episode.patient_id
            await conn.execute(update(patients).where(whose).values({column: now}))
        where.add(100 + n)
    elif change == "block" and kind == "telegram":
        harness.telegram.blocked.add(n + 1)
    else:
        return set()
    return where


async def _enrol_in_chat(harness: BotHarness, n: int) -> None:
    """Patient n enrols on Telegram (chat 100 + n) through an invite, with consent."""
    store, chat = harness.services.store, 100 + n
    try:
        issued = await invite_patient(store, f"ZY{n:03d}", harness.clock.now(), 30, Actor.cli())
    except InviteRefused:  # excluded, deceased, erased meanwhile: no invite
        return
    await harness.text(chat, f"/start {issued.token}")
    await harness.text(chat, f"800{n}")
    await harness.press(chat, "en:r:patient")
    await harness.press(chat, "en:c:yes")


def _base() -> RecordFields:
    return {
        "department": "呼吸科",
        "discharged_at": local("2026-11-21"),
        "medications": "阿司匹林 100mg bid 10天",
    }


async def _reached(reached: SmsReached) -> dict[Address, int]:
    """Return how much reached each patient's number so far (page messages and texts)."""
    return {phone(n): await reached.count(phone(n)) for n in range(PATIENTS)}


async def _sent_since(
    reached: SmsReached, chats_before: int, phones_before: dict[Address, int]
) -> set[object]:
    """Return the chats and numbers something reached since the marks."""
    chats = {int(c.params["chat_id"]) for c in reached.harness.telegram.delivered[chats_before:]}
    phones = {to for to, count in (await _reached(reached)).items() if count > phones_before[to]}
    return chats | phones


async def _run(people: list[str], history: list[tuple[int, str, int]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        harness = BotHarness(make_settings(Path(folder)), START)
        await harness.start()
        try:
            reached = await with_sms(harness)
            await seed(harness.settings, *(_record(n, kind) for n, kind in enumerate(people)))
            for n, kind in enumerate(people):
                if kind == "telegram":
                    await enrol(harness, n + 1, f"ZY{n:03d}")
            await harness.tick()  # the sweep reaches the others by SMS
            never = {phone(n) for n, kind in enumerate(people) if kind not in ("sms",)}
            stopped: set[object] = set()
            for n, change, hours in history:
                stopped |= await _apply(harness, n, people[n], change)
                marks = (len(harness.telegram.delivered), await _reached(reached))
                harness.clock.advance(timedelta(hours=hours))
                await harness.tick()
                assert not await _sent_since(reached, *marks) & (stopped | never)
            assert not {to for to, count in (await _reached(reached)).items() if count} & never
        finally:
            await harness.stop()
            if harness.sms is not None:
                await harness.sms.stop()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people=kinds, history=events)
def test_never_sends_after_a_stop(people: list[str], history: list[tuple[int, str, int]]) -> None:
    asyncio.run(_run(people, history))
