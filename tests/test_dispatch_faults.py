"""Every Bot API fault ends in the right retry or stop, with a stored reason."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.demo.fake_telegram import Fault
from bot.demo.harness import BotHarness
from bot.domain.messages import MessageKind
from bot.storage.outbox_records import PlannedMessage
from bot.storage.schema import contacts, deliveries
from bot.storage.schema import scheduled_messages as m
from tests.harness import RecordFields, enrol, local, record, seed

CHAT = 777
GENERAL: RecordFields = {"department": "呼吸科", "discharged_at": local("2026-11-20")}


async def first_row_status(
    harness: BotHarness, step: str = "day1_home_care"
) -> tuple[str, str | None, int]:
    async with harness.services.store.engine.connect() as conn:
        row = (
            await conn.execute(
                select(m.c.status, m.c.failure_reason, m.c.attempts).where(m.c.step_key == step)
            )
        ).one()
    return row.status, row.failure_reason, row.attempts


async def setup(harness: BotHarness) -> None:
    await seed(harness.settings, record(**GENERAL))
    await enrol(harness, CHAT)


async def test_429_is_retried_after_the_time_telegram_asks(harness: BotHarness) -> None:
    await setup(harness)
    harness.telegram.faults.append(
        Fault(status=429, description="Too Many Requests", retry_after=7)
    )
    await harness.tick()
    assert harness.telegram.delivered_to(CHAT) == []
    status, reason, attempts = await first_row_status(harness)
    assert (status, reason, attempts) == ("pending", None, 1)
    harness.clock.advance(timedelta(seconds=6))
    await harness.tick()
    assert harness.telegram.delivered_to(CHAT) == []
    harness.clock.advance(timedelta(seconds=2))
    await harness.tick()
    assert len(harness.telegram.delivered_to(CHAT)) == 1
    assert (await first_row_status(harness))[0] == "sent"


@pytest.mark.parametrize(
    "fault",
    [
        Fault(status=500, description="Internal Server Error"),
        Fault(status=502, description="Bad Gateway"),
        Fault(status=504, description="Gateway Timeout"),
        Fault(timeout=True),
    ],
    ids=["500", "502", "504", "timeout"],
)
async def test_server_errors_and_timeouts_are_retried_with_backoff(
    harness: BotHarness, fault: Fault
) -> None:
    await setup(harness)
    harness.telegram.faults.append(fault)
    await harness.tick()
    assert (await first_row_status(harness))[:1] == ("pending",)
    harness.clock.advance(timedelta(seconds=16))
    await harness.tick()
    assert len(harness.telegram.delivered_to(CHAT)) == 1


async def test_a_persistent_server_error_fails_after_the_last_backoff(harness: BotHarness) -> None:
    await setup(harness)
    harness.telegram.faults.append(Fault(status=500, times=100))
    for wait in (16, 61, 301, 901, 3601, 0):  # the backoff, all inside the morning window
        await harness.tick()
        harness.clock.advance(timedelta(seconds=wait))
    status, reason, _ = await first_row_status(harness)
    assert status == "failed" and reason is not None and reason.startswith("network")
    async with harness.services.store.engine.connect() as conn:
        outcomes = (await conn.execute(select(deliveries.c.outcome))).scalars().all()
    assert outcomes.count("retry") == 5 and outcomes.count("failed") >= 1


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        (Fault(status=403, description="Forbidden: bot was blocked by the user"), "blocked"),
        (Fault(status=403, description="Forbidden: user is deactivated"), "blocked"),
        (Fault(status=400, description="Bad Request: chat not found"), "chat_not_found"),
    ],
)
async def test_blocked_or_missing_chats_become_unreachable(
    harness: BotHarness, fault: Fault, reason: str
) -> None:
    await setup(harness)
    harness.telegram.faults.append(fault)
    await harness.tick()
    assert await first_row_status(harness) == ("failed", reason, 0)
    pending = await harness.services.store.outbox.rows(m.c.status == "pending")
    assert pending == []
    async with harness.services.store.engine.connect() as conn:
        reachable = (await conn.execute(select(contacts.c.reachable))).scalar_one()
    assert reachable is False


async def test_a_bad_request_fails_that_message_only(harness: BotHarness) -> None:
    await setup(harness)
    harness.telegram.faults.append(
        Fault(status=400, description="Bad Request: message is too long")
    )
    await harness.tick()
    status, reason, _ = await first_row_status(harness)
    assert status == "failed" and reason == "bad_request: Message is too long"
    assert len(await harness.services.store.outbox.rows(m.c.status == "pending")) > 3


async def test_a_broken_template_is_recorded_and_the_rest_still_goes(harness: BotHarness) -> None:
    await setup(harness)
    [contact] = await harness.services.store.contacts.for_chat(CHAT)
    now = harness.clock.now()
    broken = PlannedMessage("broken", 0, MessageKind.MESSAGE, "plans/no_such_template", now, now)
    await harness.services.store.outbox.add(
        contact.id, contact.episode_id, contact.patient_id, broken, now
    )
    await harness.tick()
    assert await first_row_status(harness, "broken") == ("failed", "template_error", 0)
    assert len(harness.telegram.delivered_to(CHAT)) == 1  # the day-1 education


async def test_crash_after_send_before_commit_resends_once_after_the_lease(
    harness: BotHarness,
) -> None:
    await setup(harness)
    harness.telegram.faults.append(Fault(crash_after_delivery=True))
    with pytest.raises(asyncio.CancelledError):
        await harness.tick()
    assert len(harness.telegram.delivered_to(CHAT)) == 1
    await harness.restart()
    await harness.tick()  # the lease still holds: nothing is sent twice yet
    assert len(harness.telegram.delivered_to(CHAT)) == 1
    harness.clock.advance(harness.services.dispatcher.config.lease + timedelta(seconds=1))
    await harness.tick()
    delivered = harness.telegram.delivered_to(CHAT)
    assert len(delivered) == 2  # at most the in-flight message twice, nothing lost
    assert delivered[0].params["text"] == delivered[1].params["text"]
    assert (await first_row_status(harness))[0] == "sent"
