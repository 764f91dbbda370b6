"""Property: nothing reaches a WeChat follower after a stop, an unfollow, a withdrawal, a
recorded death or an erasure (no conversation message, no notice), and nothing of theirs is
held, whatever the order of the changes, the people writing and the dispatcher's ticks."""

from __future__ import annotations

import asyncio
import tempfile
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.demo.harness import BotHarness
from bot.domain.choices import StopChoice, encode_stop
from bot.domain.consent import ConsentVia
from bot.domain.conversation_window import WindowState
from bot.services.patient_facts import death, record_patient_fact
from bot.services.withdrawal import withdraw_consent
from bot.storage.audit import Actor
from bot.storage.erasure import erase_patient, erasure_scope
from bot.storage.records import Contact
from tests.harness import START, make_settings, record, seed
from tests.test_never_send import _base
from tests.wechat_patients import (
    CUSTOM,
    NOTICE,
    clicks,
    enrol_on_wechat,
    event,
    says,
    start_with_wechat,
)

PEOPLE = 3
STOPS = ("stop", "unsubscribe", "withdraw", "deceased", "erased")
CHANGES = (*STOPS, "writes", "nothing")
events = st.lists(
    st.tuples(st.integers(0, PEOPLE - 1), st.sampled_from(CHANGES), st.integers(1, 60)),
    min_size=1,
    max_size=8,
)


def openid_of(person: int) -> str:
    return f"oNeverSend{person:017d}"


async def _apply(harness: BotHarness, person: int, contact: Contact, change: str) -> None:
    services, openid, now = harness.services, openid_of(person), harness.clock.now()
    hospital_no = f"ZY{person:03d}"
    if change == "stop":  # they read what waited for them, then type the stop word
        for _ in range(10):
            if not await services.store.channel_windows.held_count(contact.chat_id):
                break
            await says(harness, "好的", openid)
        await says(harness, "停止", openid)
        await clicks(harness, encode_stop(StopChoice.YES), openid)
    elif change == "unsubscribe":
        await event(harness, "unsubscribe", None, openid)
    elif change == "withdraw":  # "no" to "do you still want to receive messages?"
        await withdraw_consent(services, [contact.id], ConsentVia.KEEP_ASKING)
    elif change == "deceased":
        fact = death(None, "test")
        await record_patient_fact(
            services.store, services.scheduling, contact.patient_id, fact, Actor.cli(), now
        )
    elif change == "erased":
        scope = await erasure_scope(services.store.engine, hospital_no)
        if scope is not None:
            await erase_patient(services.store.engine, scope, hospital_no, now, Actor.cli())
    elif change == "writes":
        await says(harness, "好的", openid)


def _reached(harness: BotHarness, openids: set[str], since: int) -> list[str]:
    assert harness.wechat is not None
    calls = harness.wechat.calls[since:]
    return [c.openid for c in calls if c.endpoint in (CUSTOM, NOTICE) and c.openid in openids]


async def _run(history: list[tuple[int, str, int]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        harness = BotHarness(make_settings(Path(folder)), START)
        await harness.start()
        try:
            await start_with_wechat(harness)
            people = range(PEOPLE)
            await seed(harness.settings, *(record(f"ZY{p:03d}", **_base()) for p in people))
            contacts = [await enrol_on_wechat(harness, openid_of(p), f"ZY{p:03d}") for p in people]
            for person in people:  # each wrote once: their windows are open
                await says(harness, "你好", openid_of(person))
            stopped: set[str] = set()
            for person, change, hours in history:
                if openid_of(person) in stopped:
                    change = "nothing"  # a stopped person's own messages are answered
                await _apply(harness, person, contacts[person], change)
                if change in STOPS:
                    stopped.add(openid_of(person))
                for openid in stopped:
                    chat = contacts[int(openid[-17:])].chat_id
                    assert await harness.services.store.channel_windows.held_count(chat) == 0
                assert harness.wechat is not None
                before = len(harness.wechat.calls)
                harness.clock.advance(timedelta(hours=hours))
                await harness.tick()
                await harness.wechat_settled()
                assert _reached(harness, stopped, before) == []
        finally:
            await harness.stop()
            if harness.wechat is not None:
                await harness.wechat.stop()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=events)
def test_never_sends_to_a_wechat_follower_after_a_stop(history: list[tuple[int, str, int]]) -> None:
    asyncio.run(_run(history))


async def _held_for_a_closed_window(harness: BotHarness) -> Contact:
    """One WeChat patient whose window closed while plan messages fell due: held, noticed."""
    await start_with_wechat(harness)
    await seed(harness.settings, record("ZY000", **_base()))
    contact = await enrol_on_wechat(harness, openid_of(0), "ZY000")
    await says(harness, "你好", openid_of(0))
    for _ in range(6):
        harness.clock.advance(timedelta(days=1))
        await harness.tick()
    assert await harness.services.store.channel_windows.held_count(contact.chat_id) > 0
    assert harness.wechat is not None and harness.wechat.state.sent_to(openid_of(0), NOTICE)
    return contact


async def test_after_a_death_the_held_messages_never_arrive(harness: BotHarness) -> None:
    contact = await _held_for_a_closed_window(harness)
    services = harness.services
    await record_patient_fact(
        services.store,
        services.scheduling,
        contact.patient_id,
        death(None, "test"),
        Actor.cli(),
        harness.clock.now(),
    )
    assert await services.store.channel_windows.held_count(contact.chat_id) == 0
    assert harness.wechat is not None
    before = len(harness.wechat.calls)
    await says(harness, "你好", openid_of(0))  # a relative writes from the same account
    sent = [c.payload for c in harness.wechat.calls[before:] if c.endpoint == CUSTOM]
    assert len(sent) <= 1  # at most the answer to what they wrote, nothing that was held


async def test_erasing_a_wechat_patient_forgets_their_held_messages_and_window(
    harness: BotHarness,
) -> None:
    contact = await _held_for_a_closed_window(harness)
    store = harness.services.store
    scope = await erasure_scope(store.engine, "ZY000")
    assert scope is not None
    await erase_patient(store.engine, scope, "ZY000", harness.clock.now(), Actor.cli())
    assert await store.channel_windows.held_count(contact.chat_id) == 0
    assert await store.channel_windows.state(contact.chat_id) == WindowState()
    assert harness.wechat is not None
    before = len(harness.wechat.calls)
    for _ in range(10):
        harness.clock.advance(timedelta(days=1))
        await harness.tick()
    assert _reached(harness, {openid_of(0)}, before) == []
