"""Calls for the phone relay's tests: a task owed and a nurse's attempt that reached the
patient, taken and recorded through /calls as a nurse would."""

from __future__ import annotations

import re

from bot.demo.harness import BotHarness
from bot.domain.calls import CallOutcome, CallReason
from bot.domain.phone_relay import encode_end, encode_relay
from bot.services.worklist import step_key
from bot.storage.call_tasks import NewCallTask
from bot.storage.records import Contact

TOP = 1000  # above every rule's priority: the nurse's /calls takes this call first


async def reached_call(
    harness: BotHarness, nurse: int, hospital_no: str = "ZY001", step: str | None = "day3"
) -> int:
    """Owe a call for a stay's step at the top of the worklist; the nurse takes it with
    /calls and records it reached. Return the attempt."""
    store, now = harness.services.store, harness.clock.now()
    episode = await store.episodes.latest_for(hospital_no)
    assert episode is not None
    key = f"test:{episode.id}:{step}" if step is None else step_key(episode.id, step, 1)
    owed = NewCallTask(
        key, episode.id, episode.department_id, CallReason.PREFERS_PHONE, TOP, now, step
    )
    assert await store.call_tasks.add(owed, now)
    return await reach_next(harness, nurse)


async def reach_next(harness: BotHarness, nurse: int) -> int:
    """The nurse takes the next call with /calls and records it reached; return the attempt."""
    await harness.text(nurse, "/calls", user_id=nurse)
    reached = f":o:{CallOutcome.REACHED}"
    [data] = [d for d in harness.telegram.latest_buttons(nurse) if d.endswith(reached)]
    await harness.press(nurse, data, user_id=nurse)
    call = await harness.services.store.phone_calls.in_progress_for_staff(nurse)
    assert call is not None
    return call.attempt_id


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
