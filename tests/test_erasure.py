"""`followup forget`: personal data and messages erased, counts kept, pending cancelled, audited."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from bot.cli import app
from bot.demo.harness import BotHarness
from bot.domain.periods import month_period
from bot.domain.privacy import pseudonym
from bot.services.statistics import compute_stats
from bot.settings import Settings
from bot.storage.audit import Actor
from bot.storage.erasure import erase_patient, erasure_scope
from bot.storage.imports import apply_discharge_records
from bot.storage.schema import patients
from bot.storage.schema import scheduled_messages as m
from tests.harness import START, record, seed, stored_text
from tests.test_complaints import (
    CHAT,
    GROUP,
    STAFF,
    complain,
    group_calls,
    reply_to_patient,
    setup,
)

runner = CliRunner()
COMPLAINT = "夜里病房太吵,护士呼叫铃响了很久没人来。"
STAFF_REPLY = "非常抱歉,我们已加强夜班巡视。"
PATIENT_REPLY = "谢谢,希望以后能改进。"
CANCELLED_DRAFT = "张先生您好,这是一份没有发出的草稿。"
STAFF_NOTE = "已电话联系张先生的女儿。"
# what record("ZY001") and the dialog put in the database about the patient
PERSONAL = (
    "张三丰",
    "13800138001",
    "ZY001",
    "date(1958, 3, 4)",
    COMPLAINT,
    STAFF_REPLY,
    PATIENT_REPLY,
    CANCELLED_DRAFT,
    STAFF_NOTE,
)


async def _patient_with_a_complaint(harness: BotHarness) -> None:
    await setup(harness)
    await complain(harness, COMPLAINT)
    thread = int(str(group_calls(harness, "sendMessage")[0]["message_thread_id"]))
    await harness.press(GROUP, "cs:take:1", user_id=STAFF)
    await harness.text(GROUP, STAFF_NOTE, user_id=STAFF, thread_id=thread)
    await harness.press(GROUP, "cs:reply:1", user_id=STAFF)
    await harness.text(GROUP, CANCELLED_DRAFT, user_id=STAFF, thread_id=thread)
    await harness.press(GROUP, harness.telegram.button(GROUP, "cs:cancel:1:"), user_id=STAFF)
    await reply_to_patient(harness, 1, STAFF_REPLY, thread)
    await harness.text(CHAT, PATIENT_REPLY)


async def test_forget_erases_the_patient_and_keeps_every_count(harness: BotHarness) -> None:
    await _patient_with_a_complaint(harness)
    store, services = harness.services.store, harness.services
    november = month_period("2026-11")
    zone = services.settings.zone
    before = await compute_stats(
        store, services.scheduling.surveys, zone, november, None, min_answers=1
    )
    stored = await stored_text(harness.services.store)
    assert [value for value in PERSONAL if value not in stored] == []  # the scan sees them
    pending = await store.outbox.rows(m.c.status == "pending")
    assert pending

    scope = await erasure_scope(store.engine, "ZY001")
    assert scope is not None and (scope.cases, scope.pending) == (1, len(pending))
    await erase_patient(store.engine, scope, "ZY001", harness.clock.now(), Actor.cli())

    stored = await stored_text(harness.services.store)
    assert [value for value in PERSONAL if value in stored] == []
    assert not await store.outbox.rows(m.c.status == "pending")
    cancelled = await store.outbox.rows(m.c.failure_reason == "erased")
    assert len(cancelled) == len(pending)
    after = await compute_stats(
        store, services.scheduling.surveys, zone, november, None, min_answers=1
    )
    assert after == before
    [entry] = [e for e in await store.audit.since(START) if e.action == "patient.erase"]
    assert entry.actor_kind == "cli" and pseudonym("ZY001") in (entry.detail or "")
    assert await erasure_scope(store.engine, "ZY001") is None


async def test_the_erased_patient_is_not_brought_back_by_an_import(harness: BotHarness) -> None:
    await _patient_with_a_complaint(harness)
    store = harness.services.store
    scope = await erasure_scope(store.engine, "ZY001")
    assert scope is not None
    await erase_patient(store.engine, scope, "ZY001", harness.clock.now(), Actor.cli())
    counts = await apply_discharge_records(
        store.engine, [record("ZY001"), record("ZY002")], "again.csv", harness.clock.now()
    )
    assert (counts.erased, counts.imported) == (1, 1)
    assert await store.episodes.latest_for("ZY001") is None
    async with store.engine.connect() as conn:
        numbers = sorted((await conn.execute(select(patients.c.hospital_no))).scalars())
    assert numbers == ["ZY002", f"erased:{pseudonym('ZY001')}"]


async def test_the_erased_chat_is_a_stranger_and_nothing_breaks(harness: BotHarness) -> None:
    await _patient_with_a_complaint(harness)
    store = harness.services.store
    scope = await erasure_scope(store.engine, "ZY001")
    assert scope is not None
    await erase_patient(store.engine, scope, "ZY001", harness.clock.now(), Actor.cli())
    await harness.text(CHAT, "/complain")
    assert "请先扫描" in harness.telegram.last_text(CHAT)  # a stranger again: enrol first
    await harness.tick()
    assert not [c for c in harness.telegram.sent(CHAT) if "张三丰" in str(c.params)]


def _seeded(settings: Settings) -> None:
    asyncio.run(seed(settings, record("F1"), record("F2", name="李四")))


def test_cli_asks_for_the_number_again_and_audits(cli_env: Settings, tmp_path: Path) -> None:
    _seeded(cli_env)
    unknown = runner.invoke(app, ["forget", "NOPE"])
    assert unknown.exit_code == 1 and "NOPE" in unknown.output
    mismatch = runner.invoke(app, ["forget", "F1"], input="F2\n")
    assert mismatch.exit_code == 1 and "未删除" in mismatch.output
    assert runner.invoke(app, ["invite", "F1", "--bot-username", "b"]).exit_code == 0
    done = runner.invoke(app, ["forget", "F1"], input="F1\n")
    assert done.exit_code == 0, done.output
    assert runner.invoke(app, ["invite", "F1", "--bot-username", "b"]).exit_code == 1
    assert runner.invoke(app, ["invite", "F2", "--bot-username", "b"]).exit_code == 0
    listed = runner.invoke(app, ["audit", "--since", "2000-01-01"])
    assert listed.exit_code == 0
    assert "patient.erase" in listed.stdout and "invite.issue" in listed.stdout
    assert "F1" not in listed.stdout and "张三丰" not in listed.stdout
