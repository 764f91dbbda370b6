"""Migration 0017 on a database that holds rows: contacts get their address, sends their record."""

from __future__ import annotations

from sqlalchemy import select

from bot.demo.harness import BotHarness
from bot.storage import migrate
from bot.storage.schema import contacts, deliveries
from tests.harness import RecordFields, enrol, local, record, seed

CHAT = 888
DUE_NOW: RecordFields = {"department": "呼吸科", "discharged_at": local("2026-11-20")}


async def test_contacts_and_deliveries_keep_their_chat_as_address(harness: BotHarness) -> None:
    await seed(harness.settings, record(**DUE_NOW))
    await enrol(harness, CHAT)
    await harness.tick()  # the first message goes out: a delivery of an outbox row
    assert harness.telegram.delivered_to(CHAT)
    store = harness.services.store
    await migrate.downgrade(store.engine, "0016")
    await migrate.upgrade(store.engine)
    async with store.engine.connect() as conn:
        contact = (await conn.execute(select(contacts.c.channel, contacts.c.address))).one()
        sends = (
            await conn.execute(
                select(deliveries.c.purpose, deliveries.c.channel, deliveries.c.address)
            )
        ).all()
    assert tuple(contact) == ("telegram", str(CHAT))
    assert sends and {tuple(s) for s in sends} == {("outbox", "telegram", str(CHAT))}
    linked = await store.contacts.for_chat(CHAT)
    assert linked[0].address.chat == str(CHAT)


async def test_going_back_drops_only_the_sends_without_an_outbox_row(
    harness: BotHarness,
) -> None:
    await seed(harness.settings, record(**DUE_NOW))
    await enrol(harness, CHAT)
    await harness.tick()
    await harness.text(CHAT, "/help")  # a reply: recorded without an outbox row
    store = harness.services.store
    await migrate.downgrade(store.engine, "0016")
    async with store.engine.connect() as conn:
        kept = (await conn.execute(select(deliveries.c.message_id))).scalars().all()
    assert kept and None not in kept
    await migrate.upgrade(store.engine)
