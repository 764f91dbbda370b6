"""Every message to a patient or to staff goes through the one send path, recorded and retried."""

from __future__ import annotations

import ast
from pathlib import Path

from sqlalchemy import select

from bot.demo.fake_telegram import Fault
from bot.demo.harness import BotHarness
from bot.domain.roles import Role
from bot.storage.schema import contacts, deliveries
from tests import test_complaints as complaints
from tests.harness import enrol, local, record, seed

BOT = Path(__file__).resolve().parent.parent / "bot"
SENDING_CALLS = frozenset(
    {
        "send_message",
        "send_photo",
        "send_document",
        "send_media_group",
        "reply_text",
        "reply_photo",
        "reply_document",
        "copy_message",
        "forward_message",
    }
)
THE_SEND_PATH = Path("channels/telegram/transport.py")
FAKES = Path("demo")  # the demo's fake Telegram answers these calls; it sends nothing
SUPERVISOR = 801


def sending_calls(path: Path) -> list[str]:
    """Return 'line: name' of every Bot API sending call in a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{node.lineno}: {node.func.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in SENDING_CALLS
    ]


def test_only_the_telegram_channel_calls_the_bot_apis_sending_methods() -> None:
    elsewhere = {}
    for path in sorted(BOT.rglob("*.py")):
        relative = path.relative_to(BOT)
        if relative == THE_SEND_PATH or relative.is_relative_to(FAKES):
            continue
        if calls := sending_calls(path):
            elsewhere[str(relative)] = calls
    assert elsewhere == {}, "send through services.sender (bot/dispatch/send_path.py)"
    assert sending_calls(BOT / THE_SEND_PATH)  # the check still sees the calls it forbids


async def recorded(harness: BotHarness) -> list[tuple[str, str, str | None, str | None]]:
    """Return (purpose, outcome, detail, address) of every recorded send, oldest first."""
    query = select(
        deliveries.c.purpose, deliveries.c.outcome, deliveries.c.detail, deliveries.c.address
    ).order_by(deliveries.c.id)
    async with harness.services.store.engine.connect() as conn:
        return [tuple(row) for row in (await conn.execute(query)).all()]


async def supervisor(harness: BotHarness) -> None:
    store = harness.services.store
    await store.staff.upsert(SUPERVISOR, Role.SUPERVISOR, None, "医务科", harness.clock.now())


async def test_a_reply_to_staff_is_recorded_in_deliveries(harness: BotHarness) -> None:
    await supervisor(harness)
    await harness.text(SUPERVISOR, "/stats 2026-11")
    assert "全院" in harness.telegram.last_text(SUPERVISOR)
    assert await recorded(harness) == [("reply", "sent", None, str(SUPERVISOR))]


async def test_a_deadline_notice_to_a_supervisor_is_recorded(harness: BotHarness) -> None:
    harness.clock.advance(local("2026-11-20", "10:00") - harness.clock.now())  # a Friday
    await complaints.setup(harness)
    await complaints.complain(harness)
    harness.clock.advance(local("2026-11-23", "10:01") - harness.clock.now())  # ack overdue
    await harness.tick()
    supervisor_chat = str(complaints.SUPERVISOR)
    assert len(harness.telegram.sent(complaints.SUPERVISOR)) == 1
    told = [send for send in await recorded(harness) if send[3] == supervisor_chat]
    assert told == [("notice", "sent", None, supervisor_chat)]


async def test_a_429_is_waited_out_and_sent_once(harness: BotHarness) -> None:
    await supervisor(harness)
    harness.telegram.faults.append(
        Fault(status=429, description="Too Many Requests", retry_after=1, chat_id=SUPERVISOR)
    )
    await harness.text(SUPERVISOR, "/stats 2026-11")
    assert len(harness.telegram.delivered_to(SUPERVISOR)) == 1
    assert "全院" in harness.telegram.last_text(SUPERVISOR)
    assert await recorded(harness) == [
        ("reply", "retry", "rate_limited", str(SUPERVISOR)),
        ("reply", "sent", None, str(SUPERVISOR)),
    ]


async def test_a_patient_who_blocked_the_bot_is_marked_unreachable(harness: BotHarness) -> None:
    await seed(harness.settings, record())
    await enrol(harness, 888)
    harness.telegram.faults.append(
        Fault(status=403, description="Forbidden: bot was blocked by the user", chat_id=888)
    )
    await harness.text(888, "/help")
    assert harness.telegram.delivered_to(888) == []
    assert await recorded(harness) == [("reply", "unreachable", "blocked", "888")]
    async with harness.services.store.engine.connect() as conn:
        reachable = (await conn.execute(select(contacts.c.reachable))).scalar_one()
    assert reachable is False
