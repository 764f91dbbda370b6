"""Test-only writers of call tasks and attempts (the worklist's own code writes them in the
running bot), and a hand-computed cohort of calls on top of the statistics cohort."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.demo.harness import BotHarness
from bot.domain.calls import CallOutcome, CallReason, CallStatus
from bot.domain.cases import CaseKind, CaseSource
from bot.domain.roles import Role
from bot.storage.cases import NewCase
from bot.storage.schema import call_attempts, call_tasks
from bot.storage.store import Store
from tests.harness import local, record, seed
from tests.stats_cohort import A, B, build_cohort

NURSE_WANG, NURSE_LI = 901, 902  # staff who call
OFFICE, CHIEF_B, NURSE = 802, 801, 803  # the office, B's supervisor, a nurse (no /calls stats)


async def add_task(
    store: Store,
    hospital_no: str,
    reason: CallReason,
    status: CallStatus = CallStatus.OPEN,
    case_id: int | None = None,
) -> int:
    """Owe a call for a patient's latest stay; return the task's id."""
    episode = await store.episodes.latest_for(hospital_no)
    assert episode is not None
    row = {
        "key": f"test:{hospital_no}:{reason}:{case_id}",
        "episode_id": episode.id,
        "department_id": episode.department_id,
        "reason": reason.value,
        "case_id": case_id,
        "priority": 0,
        "due_at": episode.discharged_at,
        "tries": 0,
        "status": status.value,
        "created_at": episode.discharged_at,
    }
    async with store.engine.begin() as conn:
        inserted = await conn.execute(call_tasks.insert().values(row))
    assert inserted.inserted_primary_key is not None
    return int(inserted.inserted_primary_key[0])


async def add_attempt(
    store: Store,
    task_id: int,
    staff: int,
    started: datetime,
    outcome: CallOutcome | None,
    ended: bool = True,
) -> int:
    """Record one try at a call (ended ten minutes later unless `ended` is False)."""
    row = {
        "task_id": task_id,
        "staff_user": staff,
        "started_at": started,
        "ended_at": started + timedelta(minutes=10) if ended else None,
        "outcome": None if outcome is None else outcome.value,
        "note": "恢复良好" if outcome is CallOutcome.REACHED else None,
    }
    async with store.engine.begin() as conn:
        inserted = await conn.execute(call_attempts.insert().values(row))
    assert inserted.inserted_primary_key is not None
    return int(inserted.inserted_primary_key[0])


async def build_calls(harness: BotHarness) -> dict[str, int]:
    """The statistics cohort (P1 A and P3 B reached by chat, P2 A, P4 B, P6 B not; P5 in
    October), plus Q1-Q4 and their calls; return the attempts' ids by name."""
    await build_cohort(harness)
    await seed(
        harness.settings,
        record("Q1", department=A, discharged_at=local("2026-11-06"), flags="急诊"),
        record("Q2", department=B, discharged_at=local("2026-11-07"), plan="chronic"),
        record("Q3", department=B, discharged_at=local("2026-11-08"), flags="慢病随访"),
        record("Q4", department=A, discharged_at=local("2026-11-09")),
    )
    store, now = harness.services.store, harness.clock.now()
    for user, role, department, name in (
        (NURSE_WANG, Role.STAFF, A, "王护士"),
        (NURSE_LI, Role.STAFF, B, "李护士"),
        (CHIEF_B, Role.SUPERVISOR, B, "呼吸科主任"),
        (OFFICE, Role.SUPERVISOR, None, "随访办"),
        (NURSE, Role.STAFF, A, "张护士"),
    ):
        await store.staff.upsert(user, role, department, name, now)
    return await _calls(harness, store, now)


async def _red_flag(store: Store, hospital_no: str, now: datetime) -> int:
    episode = await store.episodes.latest_for(hospital_no)
    assert episode is not None
    case = NewCase(CaseKind.RED_FLAG, episode.patient_id, episode.id, None, CaseSource.PATIENT)
    return (await store.cases.open(case, now)).id


async def _calls(harness: BotHarness, store: Store, now: datetime) -> dict[str, int]:
    done, open_ = CallStatus.DONE, CallStatus.OPEN
    q1 = await add_task(store, "Q1", CallReason.SPECIAL, done)
    q2 = await add_task(store, "Q2", CallReason.SPECIAL, done)
    q3 = await add_task(store, "Q3", CallReason.NO_MESSAGE_CHANNEL, open_)
    q4 = await add_task(store, "Q4", CallReason.NO_MESSAGE_CHANNEL, open_)
    p5 = await add_task(store, "P5", CallReason.NO_MESSAGE_CHANNEL, open_)
    rf1 = await add_task(store, "P1", CallReason.RED_FLAG, done, await _red_flag(store, "P1", now))
    await add_task(store, "P2", CallReason.RED_FLAG, open_, await _red_flag(store, "P2", now))
    rf3 = await add_task(store, "P3", CallReason.RED_FLAG, done, await _red_flag(store, "P3", now))
    await add_task(store, "P3", CallReason.STAFF_REPLY, CallStatus.CANCELLED)  # never called
    reached, minutes = CallOutcome.REACHED, timedelta(minutes=1)
    return {
        "q2_missed": await add_attempt(
            store, q2, NURSE_WANG, local("2026-11-08", "15:00"), CallOutcome.NO_ANSWER
        ),
        "q3_off": await add_attempt(
            store, q3, NURSE_LI, local("2026-11-09", "15:00"), CallOutcome.PHONE_OFF
        ),
        "q2": await add_attempt(store, q2, NURSE_LI, local("2026-11-10", "15:00"), reached),
        "q1": await add_attempt(store, q1, NURSE_WANG, local("2026-11-16", "15:00"), reached),
        "q4_dialing": await add_attempt(
            store, q4, NURSE_WANG, local("2026-11-21", "15:00"), None, ended=False
        ),
        "q4_relaying": await add_attempt(
            store, q4, NURSE_LI, local("2026-11-21", "16:00"), reached, ended=False
        ),
        "p5_october": await add_attempt(
            store, p5, NURSE_WANG, local("2026-10-31", "15:00"), CallOutcome.NO_ANSWER
        ),
        "rf1": await add_attempt(store, rf1, NURSE_WANG, now + 30 * minutes, reached),
        "rf1_again": await add_attempt(store, rf1, NURSE_WANG, now + 50 * minutes, reached),
        "rf3": await add_attempt(store, rf3, NURSE_LI, now + 90 * minutes, reached),
    }
