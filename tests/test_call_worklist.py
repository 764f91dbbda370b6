"""Who the worklist owes a call, when, in which order; and who never appears."""

from __future__ import annotations

from sqlalchemy import update

from bot.demo.harness import BotHarness
from bot.domain.calls import CallReason, CallStatus
from bot.storage.audit import Actor
from bot.storage.erasure import erase_patient, erasure_scope
from bot.storage.schema import call_attempts
from tests.call_cohort import (
    CALLED,
    DAY3_CALLS_OPEN,
    NOT_CALLED,
    WARD,
    Stay,
    answer_step,
    arrange,
    cohort,
    later,
    link,
    set_fact,
    sweep,
    tasks_by_number,
)
from tests.harness import local, stored_text


async def test_on_the_first_steps_day_exactly_the_stays_no_chat_reaches_are_owed_a_call(
    harness: BotHarness,
) -> None:
    stays = cohort()
    await arrange(harness, stays)
    assert await sweep(harness) == 0  # day 2: no step has come
    added = await sweep(harness, local("2026-11-23", "09:00"))  # day 3's morning
    owed = await tasks_by_number(harness)
    kinds = {stay.number: stay.state for stay in stays}
    assert sorted(kinds[n] for n in owed) == sorted(CALLED)
    assert added == len(CALLED)
    assert not set(NOT_CALLED) & {kinds[n] for n in owed}
    by_kind = {kinds[n]: task for n, task in owed.items()}
    assert by_kind["prefers_phone"][0] == CallReason.PREFERS_PHONE
    assert by_kind["sms"][0] == CallReason.NO_MESSAGE_CHANNEL  # an unanswered SMS counts not
    assert all(task[3] == DAY3_CALLS_OPEN for task in owed.values())  # the calling hours
    assert by_kind["special"][2] > by_kind["prefers_phone"][2] > by_kind["no_channel"][2]
    assert await sweep(harness, later(DAY3_CALLS_OPEN, hours=1)) == 0  # idempotent


async def test_a_step_answered_by_sms_before_the_call_cancels_it(harness: BotHarness) -> None:
    stays = cohort()
    contacts = await arrange(harness, stays)
    await sweep(harness, local("2026-11-23", "09:00"))
    sms = next(stay.number for stay in stays if stay.state == "sms")
    await answer_step(harness, contacts[sms], "day3")
    await sweep(harness, local("2026-11-23", "11:00"))
    owed = await tasks_by_number(harness)
    assert owed[sms][1] == CallStatus.CANCELLED
    assert sum(task[1] == CallStatus.OPEN for task in owed.values()) == len(CALLED) - 1


async def test_a_patient_who_dies_or_disputes_after_the_task_is_made_is_not_called(
    harness: BotHarness,
) -> None:
    stays = cohort()
    await arrange(harness, stays)
    await sweep(harness, local("2026-11-23", "09:00"))
    no_channel = next(s.number for s in stays if s.state == "no_channel")
    phone = next(s.number for s in stays if s.state == "prefers_phone")
    await set_fact(harness, no_channel, "deceased")
    await set_fact(harness, phone, "disputed")
    await sweep(harness, local("2026-11-23", "10:00"))
    owed = await tasks_by_number(harness)
    assert owed[no_channel][1] == owed[phone][1] == CallStatus.CANCELLED


async def test_erasing_a_patient_cancels_the_calls_and_blanks_the_notes(
    harness: BotHarness,
) -> None:
    stays = cohort()
    await arrange(harness, stays)
    await sweep(harness, local("2026-11-23", "09:00"))
    store, now = harness.services.store, harness.clock.now()
    task = await store.call_tasks.claim_next(1, None, later(now, hours=6), later(now, hours=7))
    assert task is not None
    attempt = await store.call_attempts.start(task.id, 1, now)
    async with store.engine.begin() as conn:
        noted = update(call_attempts).where(call_attempts.c.id == attempt)
        await conn.execute(noted.values(note="患者说胸口不舒服"))
    episode = await store.episodes.get(task.episode_id)
    assert episode is not None
    scope = await erasure_scope(store.engine, episode.hospital_no)
    assert scope is not None
    await erase_patient(store.engine, scope, episode.hospital_no, now, Actor.cli())
    assert "胸口" not in await stored_text(store)
    after = await store.call_tasks.get(task.id)
    assert after is not None and after.status is CallStatus.CANCELLED
    owed = await tasks_by_number(harness)
    assert sum(t[1] == CallStatus.OPEN for t in owed.values()) == len(CALLED) - 1


async def test_a_special_patient_in_a_chat_gets_a_call_when_nothing_is_answered_after_a_week(
    harness: BotHarness,
) -> None:
    await arrange(harness, [Stay("ZY101", "special", WARD), Stay("ZY102", "no_consent", WARD)])
    chat = await link(harness, "ZY101", 7101, "chat")
    await sweep(harness, local("2026-11-23", "09:00"))
    assert await tasks_by_number(harness) == {}  # the chat reaches him: messages first
    await sweep(harness, local("2026-11-30", "09:00"))
    assert await tasks_by_number(harness) == {}  # day 3's step was at 10:00: 7 days not yet
    await sweep(harness, local("2026-11-30", "11:00"))
    [(reason, status, _priority, due)] = (await tasks_by_number(harness)).values()
    assert (reason, status) == (CallReason.SPECIAL, CallStatus.OPEN)
    assert due == local("2026-11-30", "14:00")
    await answer_step(harness, chat, "day3")
    await sweep(harness, local("2026-11-30", "12:00"))
    assert (await tasks_by_number(harness))["ZY101"][1] == CallStatus.CANCELLED


async def test_a_long_list_is_gone_through_a_batch_per_sweep_and_owes_each_call_once(
    harness: BotHarness,
) -> None:
    await arrange(harness, cohort())
    day3 = local("2026-11-23", "09:00")
    added = [await sweep(harness, day3, stays=2) for _ in range(6)]
    assert sum(added) == len(CALLED) and added[0] <= 2
    assert added[-1] == 0 and len(await tasks_by_number(harness)) == len(CALLED)
