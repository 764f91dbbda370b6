"""The dispatcher's claim: the earliest due rows, those no longer eligible cancelled on the
way (a batch of them alone is followed by the next), each row leased to one owner only."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from bot.demo.harness import BotHarness
from bot.domain.messages import FailureReason, MessageStatus
from bot.storage.schema import patients, scheduled_messages
from tests.harness import enrol, local, record, seed

m = scheduled_messages
LEASE = timedelta(minutes=5)


async def test_a_claim_cancels_a_dead_patients_rows_and_leases_the_next_eligible_one(
    harness: BotHarness,
) -> None:
    await seed(
        harness.settings,
        record("ZY001", discharged_at=local("2026-11-20")),
        record("ZY002", name="李四", discharged_at=local("2026-11-21")),
    )
    await enrol(harness, 901, "ZY001")
    await enrol(harness, 902, "ZY002")
    store, now = harness.services.store, local("2026-12-25")
    async with store.engine.begin() as conn:
        ids = dict((await conn.execute(select(patients.c.hospital_no, patients.c.id))).all())
        await conn.execute(
            update(patients).where(patients.c.id == ids["ZY001"]).values(deceased_at=now)
        )
        due = select(m.c.id, m.c.patient_id, m.c.send_at).where(
            m.c.status == MessageStatus.PENDING.value, m.c.send_at <= now
        )
        pending = (await conn.execute(due.order_by(m.c.send_at, m.c.id))).all()
    first_alive = next(row for row in pending if row.patient_id == ids["ZY002"])
    dead_before = [
        r.id for r in pending if r.patient_id == ids["ZY001"] and r.send_at <= first_alive.send_at
    ]
    assert dead_before  # the dead patient's rows come due first: whole batches of them

    claimed = await store.outbox.claim_due(now, 1, LEASE, "first")

    assert [(row.id, row.patient_id) for row in claimed] == [(first_alive.id, ids["ZY002"])]
    async with store.engine.connect() as conn:
        query = select(m.c.status, m.c.failure_reason).where(m.c.id.in_(dead_before))
        states = set((await conn.execute(query)).all())
    assert states == {(MessageStatus.CANCELLED.value, FailureReason.NOT_ELIGIBLE.value)}
    others = await store.outbox.claim_due(now, 50, LEASE, "second")
    assert first_alive.id not in {row.id for row in others}  # leased to the first owner
    assert {row.patient_id for row in others} <= {ids["ZY002"]}
    again = await store.outbox.claim_due(now + LEASE + timedelta(seconds=1), 50, LEASE, "third")
    assert first_alive.id in {row.id for row in again}  # its lease ran out unfinished
