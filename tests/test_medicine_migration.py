"""Migration 0012 on a database that holds rows: tips apart from reminders, visits numbered."""

from __future__ import annotations

from datetime import date

from bot.demo.harness import BotHarness
from bot.domain.messages import MessageKind
from bot.domain.visits import visit_occurrence
from bot.storage import migrate
from bot.storage.outbox_records import PlannedMessage
from bot.storage.schema import scheduled_messages as m
from tests.harness import START, enrol, record, seed


async def test_old_rows_become_tips_and_visit_numbered_reminders(harness: BotHarness) -> None:
    await seed(harness.settings, record())
    contact = await enrol(harness, 888)
    store = harness.services.store
    for key, kind, template, payload in (
        ("old_tip", "medication", "plans/chronic/medication", {}),
        ("old_med", "medication", "medication/reminder", {"drug": "阿司匹林"}),
        ("old_reexam", "reexam_reminder", "plans/reexam_3d", {"revisit_date": "2026-12-02"}),
    ):
        row = PlannedMessage(
            key, 0, MessageKind(kind), template, START, START, payload=dict[str, object](payload)
        )
        await store.outbox.add(contact.id, contact.episode_id, contact.patient_id, row, START)
    await migrate.downgrade(store.engine, "0012-1")  # just before this migration
    await migrate.upgrade(store.engine)
    kinds = {r.step_key: (r.kind, r.occurrence) for r in await store.outbox.rows(m.c.id > 0)}
    assert kinds["old_tip"] == ("medication_tip", 0)
    assert kinds["old_med"] == ("medication", 0)
    assert kinds["old_reexam"] == ("reexam_reminder", visit_occurrence(date(2026, 12, 2), 0))
