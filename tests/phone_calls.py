"""Calls for the phone relay's tests: a task owed and a nurse's attempt that reached the
patient, written through the relay's repository (the worklist's own services build these)."""

from __future__ import annotations

import re

from bot.demo.harness import BotHarness
from bot.domain.calls import CallReason
from bot.domain.phone_relay import encode_end, encode_relay
from bot.storage.phone_calls import OwedCall
from bot.storage.records import Contact


async def reached_call(
    harness: BotHarness, nurse: int, hospital_no: str = "ZY001", step: str | None = "day3"
) -> int:
    """Owe a call for a stay's step, record a nurse reaching the patient; return the attempt."""
    store, now = harness.services.store, harness.clock.now()
    episode = await store.episodes.latest_for(hospital_no)
    assert episode is not None
    key = f"step:{episode.id}:{step}"
    owed = OwedCall(key, episode.id, CallReason.PREFERS_PHONE, 10, now, step)
    task = await store.phone_calls.owe(owed, now)
    return await reach_on(harness, task, nurse)


async def reach_on(harness: BotHarness, task: int, nurse: int) -> int:
    """Record a nurse reaching the patient of a task; return the attempt."""
    store, now = harness.services.store, harness.clock.now()
    attempt = await store.phone_calls.start_attempt(task, nurse, now)
    await store.phone_calls.mark_reached(attempt)
    return attempt


async def phone_contact_of(harness: BotHarness, attempt: int) -> Contact:
    """Return the phone contact an attempt relays for."""
    store = harness.services.store
    call = await store.phone_calls.in_progress(attempt)
    assert call is not None and call.contact_id is not None
    contact = await store.contacts.get(call.contact_id)
    assert contact is not None
    return contact


async def relay_button(harness: BotHarness, attempt: int, pattern: str) -> str:
    """Return the callback data of the button the nurse sees for the offered choice whose id
    matches the pattern (checking the nurse's last question shows it)."""
    contact = await phone_contact_of(harness, attempt)
    offered = await harness.services.store.channel_chats.offered(contact.chat_id)
    [(number, choice)] = [
        (n, c) for n, c in enumerate(offered, start=1) if re.fullmatch(pattern, c.id)
    ]
    return encode_relay(attempt, number, choice.id)


async def nurse_presses(harness: BotHarness, nurse: int, attempt: int, pattern: str) -> None:
    """Press, as the nurse, the option matching pattern on the question relayed last."""
    data = await relay_button(harness, attempt, pattern)
    assert data in harness.telegram.latest_buttons(nurse)  # what the nurse saw
    await harness.press(nurse, data, user_id=nurse)


async def nurse_answers(harness: BotHarness, nurse: int, attempt: int, q: str, v: str) -> None:
    """Press the nurse's button for the survey answer question q = value v."""
    await nurse_presses(harness, nurse, attempt, rf"sv:\d+:{q}:{v}")


async def end_call(harness: BotHarness, nurse: int, attempt: int) -> None:
    """Press "call ended" as the nurse."""
    await harness.press(nurse, encode_end(attempt), user_id=nurse)
