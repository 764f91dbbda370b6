"""Every Bot API fault, one table: what the dispatcher records and does, and that handlers and
patient traffic survive it (also when only the staff group fails)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.demo.fake_telegram import Fault
from bot.demo.harness import BotHarness
from bot.storage.schema import contacts, deliveries
from bot.storage.schema import scheduled_messages as m
from tests.harness import enrol, local, record, seed

CHAT = 780
GROUP = -1007777
STEP = "day1_home_care"
APOLOGY = "系统暂时出了点问题"


@dataclass(frozen=True)
class Expected:
    """After one fault on the first send: the row's status, whether the chat stays reachable,
    and whether the same row goes out after waiting `wait` seconds."""

    status: str
    reachable: bool
    sent_after: float | None
    reason: str | None = None


FAULTS: dict[str, tuple[Fault, Expected]] = {
    "429": (
        Fault(status=429, description="Too Many Requests", retry_after=5),
        Expected("pending", True, 6),
    ),
    "500": (Fault(status=500), Expected("pending", True, 16)),
    "502": (Fault(status=502, description="Bad Gateway"), Expected("pending", True, 16)),
    "504": (Fault(status=504, description="Gateway Timeout"), Expected("pending", True, 16)),
    "timeout": (Fault(timeout=True), Expected("pending", True, 16)),
    "connection reset": (Fault(reset=True), Expected("pending", True, 16)),
    "403 blocked": (
        Fault(status=403, description="Forbidden: bot was blocked by the user"),
        Expected("failed", False, None, "blocked"),
    ),
    "400 chat not found": (
        Fault(status=400, description="Bad Request: chat not found"),
        Expected("failed", False, None, "chat_not_found"),
    ),
    "400 message too long": (
        Fault(status=400, description="Bad Request: message is too long"),
        Expected("failed", True, None, "bad_request: Message is too long"),
    ),
    "400 bad HTML": (
        Fault(
            status=400,
            description='Bad Request: can\'t parse entities: unsupported start tag "x"',
        ),
        Expected("failed", True, None),
    ),
}


async def _row(harness: BotHarness) -> tuple[str, str | None]:
    async with harness.services.store.engine.connect() as conn:
        row = (
            await conn.execute(select(m.c.status, m.c.failure_reason).where(m.c.step_key == STEP))
        ).one()
    return row.status, row.failure_reason


async def _reachable(harness: BotHarness) -> bool:
    async with harness.services.store.engine.connect() as conn:
        return bool((await conn.execute(select(contacts.c.reachable))).scalar_one())


async def _enrolled(harness: BotHarness) -> None:
    await seed(harness.settings, record(department="呼吸科", discharged_at=local("2026-11-20")))
    await enrol(harness, CHAT)


@pytest.mark.parametrize("name", list(FAULTS))
async def test_dispatcher_records_and_retries_or_stops(harness: BotHarness, name: str) -> None:
    fault, expected = FAULTS[name]
    await _enrolled(harness)
    harness.telegram.faults.append(replace(fault))
    await harness.tick()
    status, reason = await _row(harness)
    assert status == expected.status
    if expected.reason is not None:
        assert reason == expected.reason
    if expected.status == "failed":
        assert reason  # every failure says why
    assert await _reachable(harness) is expected.reachable
    async with harness.services.store.engine.connect() as conn:
        outcomes = (await conn.execute(select(deliveries.c.outcome))).scalars().all()
    assert outcomes  # the attempt is on record
    if expected.sent_after is not None:
        harness.clock.advance(timedelta(seconds=expected.sent_after))
        await harness.tick()
        assert await _row(harness) == ("sent", None)
        assert len(harness.telegram.delivered_to(CHAT)) >= 1


@pytest.mark.parametrize("name", list(FAULTS))
async def test_a_handler_survives_the_fault_and_the_next_update_is_answered(
    harness: BotHarness, name: str, caplog: pytest.LogCaptureFixture
) -> None:
    fault, _ = FAULTS[name]
    await _enrolled(harness)
    harness.telegram.faults.append(replace(fault, chat_id=CHAT))
    await harness.text(CHAT, "/help")  # its reply meets the fault
    await harness.text(CHAT, "/help")
    assert "/stop" in harness.telegram.last_text(CHAT)
    assert not [r for r in caplog.records if r.levelno >= logging.CRITICAL]


async def test_a_failing_staff_group_does_not_stop_patient_traffic(harness: BotHarness) -> None:
    harness.settings = harness.settings.model_copy(update={"staff_chat_id": GROUP})
    await harness.restart()
    await _enrolled(harness)
    for method in ("sendMessage", "createForumTopic", "editMessageText"):
        harness.telegram.faults.append(Fault(method=method, status=500, chat_id=GROUP, times=99))
    await harness.text(CHAT, "/complain")
    await harness.text(CHAT, "病房太吵")
    await harness.press(CHAT, "cp:c:department")
    await harness.press(CHAT, "cp:ok")
    assert "#1" in harness.telegram.last_text(CHAT)  # registered and numbered all the same
    case = await harness.services.store.cases.get(1)
    assert case is not None and case.staff_message_id is None  # kept, to be posted later
    await harness.tick()
    assert await _row(harness) == ("sent", None)  # the patient's plan goes on
    assert not any(APOLOGY in str(c.params.get("text")) for c in harness.telegram.sent(CHAT))
