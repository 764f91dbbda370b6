"""/calls in a nurse's private chat, through the real Application over the fake Bot API."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.demo.harness import BotHarness
from bot.domain.calls import CallOutcome, CallReason, CallStatus
from bot.domain.choices import Prefix
from bot.domain.worklist.timing import next_working_day
from bot.storage.call_tasks import NewCallTask
from bot.storage.schema import call_attempts, call_tasks, patients
from tests.call_cohort import (
    DAY3_CALLS_OPEN,
    DOCTOR,
    HEAD,
    NURSE,
    OTHER_NURSE,
    add_staff,
    arrange,
    cohort,
    later,
    sweep,
    tasks_by_number,
)
from tests.harness import local

STRANGER = 9999


async def _ready(harness: BotHarness) -> None:
    await arrange(harness, cohort())
    await add_staff(harness)
    await sweep(harness, local("2026-11-23", "09:00"))
    harness.clock.advance(DAY3_CALLS_OPEN - harness.clock.now())


def _call(harness: BotHarness, user: int) -> str:
    """Return "cl:<task>" of the newest call shown to the user."""
    return ":".join(harness.telegram.button(user, f"{Prefix.CALL}:").split(":")[:2])


def _press(harness: BotHarness, user: int, outcome: CallOutcome) -> str:
    return f"{_call(harness, user)}:o:{outcome}"


async def test_a_nurse_gets_the_next_call_of_her_ward_with_the_phone_and_the_script(
    harness: BotHarness,
) -> None:
    await _ready(harness)
    await harness.text(NURSE, "/calls")
    card = harness.telegram.last_text(NURSE)
    assert "电话:+86 13800138001" in card  # tapped, Telegram offers to dial it
    assert "重点人群随访未完成" not in card and "没有可用的消息渠道" in card
    assert "患者回访中心" in card  # the handbook's opening
    assert "消化科" not in card  # another ward's patient is not hers
    assert len(harness.telegram.last_buttons(NURSE)) == 10
    await harness.text(DOCTOR, "/calls")
    assert "+86 13800138001" in harness.telegram.last_text(DOCTOR)  # a doctor may call too
    for outsider in (STRANGER,):
        await harness.text(outsider, "/calls")
        assert "仅限" in harness.telegram.last_text(outsider)
        assert "13800138001" not in harness.telegram.last_text(outsider)


async def test_unanswered_calls_come_back_the_next_working_day_then_fail(
    harness: BotHarness,
) -> None:
    await _ready(harness)
    for _ in range(harness.settings.call_tries):
        await harness.text(HEAD, "/calls")
        first = harness.telegram.last_text(HEAD)
        await harness.press(HEAD, _press(harness, HEAD, CallOutcome.NO_ANSWER))
        assert "无人接听" in harness.telegram.last_text(HEAD)
        harness.clock.advance(
            next_working_day(harness.clock.now(), harness.services.worklist.hours)
            - harness.clock.now()
        )
    async with harness.services.store.engine.connect() as conn:
        rows = (await conn.execute(select(call_tasks.c.status, call_tasks.c.tries))).all()
    assert (CallStatus.FAILED.value, harness.settings.call_tries) in [tuple(r) for r in rows]
    assert "此前拨打" in first


async def test_a_call_that_finds_the_patient_died_stops_everything(harness: BotHarness) -> None:
    await _ready(harness)
    await harness.text(NURSE, "/calls")
    await harness.press(NURSE, _press(harness, NURSE, CallOutcome.DECEASED))
    now = harness.clock.now()
    async with harness.services.store.engine.connect() as conn:
        died = select(patients.c.id).where(patients.c.deceased_at == now)
        assert len((await conn.execute(died)).all()) == 1
        closed = select(call_tasks.c.status).where(call_tasks.c.outcome == "deceased")
        assert (await conn.execute(closed)).scalars().all() == [CallStatus.CANCELLED.value]


async def test_reached_closes_the_task_and_keeps_the_call_open_for_the_survey(
    harness: BotHarness,
) -> None:
    await _ready(harness)
    await harness.text(NURSE, "/calls")
    await harness.press(NURSE, _press(harness, NURSE, CallOutcome.REACHED))
    recorded, asked = [str(c.params["text"]) for c in harness.telegram.sent(NURSE)[-2:]]
    assert "已记录" in recorded and "接电话的是哪一位" in asked  # then the relay begins
    async with harness.services.store.engine.connect() as conn:
        attempt = (await conn.execute(select(call_attempts))).one()._mapping
        statuses = (await conn.execute(select(call_tasks.c.status))).scalars().all()
    assert attempt["outcome"] == CallOutcome.REACHED and attempt["ended_at"] is None
    assert CallStatus.DONE.value in statuses


async def test_two_nurses_claiming_at_once_never_get_the_same_call(harness: BotHarness) -> None:
    await _ready(harness)
    store, now = harness.services.store, harness.clock.now()
    until = later(now, minutes=15)
    department = (await store.staff.get(NURSE)).department_id  # type: ignore[union-attr]
    one, two = await asyncio.gather(
        store.call_tasks.claim_next(NURSE, department, now, until),
        store.call_tasks.claim_next(OTHER_NURSE, department, now, until),
    )
    assert one is not None and two is not None and one.id != two.id


async def test_a_call_assigned_to_a_nurse_goes_to_her_alone(harness: BotHarness) -> None:
    await _ready(harness)
    store, now = harness.services.store, harness.clock.now()
    until = later(now, minutes=15)
    episode = await store.episodes.latest_for("ZY001")
    assert episode is not None
    assigned = NewCallTask(
        "test:assigned", episode.id, episode.department_id, CallReason.QUESTION, 10_000, now,
        assignee=OTHER_NURSE,
    )  # fmt: skip
    assert await store.call_tasks.add(assigned, now)
    department = episode.department_id
    mine = await store.call_tasks.claim_next(NURSE, department, now, until)
    assert mine is not None and mine.key != "test:assigned"  # the top call is not hers
    theirs = await store.call_tasks.claim_next(OTHER_NURSE, department, now, until)
    assert theirs is not None and theirs.key == "test:assigned"


async def test_nothing_due_says_so_with_the_calls_due_later_today(harness: BotHarness) -> None:
    await arrange(harness, cohort())
    await add_staff(harness)
    await sweep(harness, local("2026-11-23", "09:00"))
    await harness.text(HEAD, "/calls")
    assert "今天稍后还有 5 通" in harness.telegram.last_text(HEAD)
    assert len(await tasks_by_number(harness)) == 5


def test_the_next_working_day_skips_a_public_holiday_and_the_weekend(harness: BotHarness) -> None:
    hours = harness.services.worklist.hours
    assert next_working_day(local("2026-12-31", "15:00"), hours) == local("2027-01-04", "14:00")


async def test_a_ward_nurse_claims_only_her_wards_calls_a_head_nurse_all(
    harness: BotHarness,
) -> None:
    await _ready(harness)
    store, now = harness.services.store, harness.clock.now()
    until = later(now, minutes=15)
    ward = (await store.staff.get(NURSE)).department_id  # type: ignore[union-attr]
    mine = []
    while (task := await store.call_tasks.claim_next(NURSE, ward, now, until)) is not None:
        mine.append(task)
    assert len(mine) == 4 and {task.department_id for task in mine} == {ward}
    assert [task.priority for task in mine] == sorted((t.priority for t in mine), reverse=True)
    rest = await store.call_tasks.claim_next(HEAD, None, now, until)
    assert rest is not None and rest.department_id != ward


async def test_a_patient_asking_for_calls_is_refused_politely(harness: BotHarness) -> None:
    await _ready(harness)
    patient_chat = 7000 + 11  # the enrolled chat patient of the cohort
    await harness.text(patient_chat, "/calls")
    assert "仅限" in harness.telegram.last_text(patient_chat)


async def test_call_later_asks_when_and_comes_back_this_evening(harness: BotHarness) -> None:
    await _ready(harness)
    await harness.text(NURSE, "/calls")
    await harness.press(NURSE, _press(harness, NURSE, CallOutcome.CALL_LATER))
    assert "什么时间" in harness.telegram.last_text(NURSE)
    await harness.press(NURSE, _call(harness, NURSE) + ":l:evening")
    assert "11-23 18:00" in harness.telegram.last_text(NURSE)  # winter's evening window
    await harness.text(OTHER_NURSE, "/calls")  # the call is not hers meanwhile...
    async with harness.services.store.engine.connect() as conn:
        due = select(call_tasks.c.due_at).where(call_tasks.c.outcome == "call_later")
        assert (await conn.execute(due)).scalars().all() == [local("2026-11-23", "18:00")]


async def test_a_stale_button_changes_nothing(harness: BotHarness) -> None:
    await _ready(harness)
    await harness.text(NURSE, "/calls")
    stale = _press(harness, NURSE, CallOutcome.REFUSED)
    await harness.press(NURSE, _call(harness, NURSE) + ":r")
    await harness.press(NURSE, stale)
    assert "未做任何更改" in harness.telegram.last_text(NURSE)


async def test_the_dispatcher_tick_sweeps_the_worklist(harness: BotHarness) -> None:
    await arrange(harness, cohort())
    harness.clock.advance(local("2026-11-23", "09:00") - harness.clock.now())
    await harness.tick()
    assert len(await tasks_by_number(harness)) == 5


async def test_a_typed_time_sets_the_call_back_and_the_outcome_is_audited(
    harness: BotHarness,
) -> None:
    await _ready(harness)
    await harness.text(NURSE, "/calls")
    await harness.press(NURSE, _press(harness, NURSE, CallOutcome.CALL_LATER))
    await harness.text(NURSE, "/calls later 25:00")
    assert "/calls later 16:30" in harness.telegram.last_text(NURSE)  # the usage, nothing kept
    await harness.text(NURSE, "/calls later 16:30")
    assert "11-23 16:30" in harness.telegram.last_text(NURSE)
    async with harness.services.store.engine.connect() as conn:
        due = select(call_tasks.c.due_at).where(call_tasks.c.outcome == "call_later")
        assert (await conn.execute(due)).scalars().all() == [local("2026-11-23", "16:30")]
    entries = await harness.services.store.audit.since(DAY3_CALLS_OPEN, str(NURSE))
    assert any(e.action == "call.outcome" and e.detail == "call_later" for e in entries)


async def test_a_lapsed_claim_goes_to_the_next_nurse_and_the_first_ones_buttons_go_stale(
    harness: BotHarness,
) -> None:
    await _ready(harness)
    await harness.text(NURSE, "/calls")
    first = _press(harness, NURSE, CallOutcome.REACHED)
    harness.clock.advance(harness.services.worklist.claim)
    await harness.text(OTHER_NURSE, "/calls")
    assert _call(harness, OTHER_NURSE) == first.rsplit(":", 2)[0]  # the same call, now hers
    await harness.press(NURSE, first)
    assert "未做任何更改" in harness.telegram.last_text(NURSE)
    async with harness.services.store.engine.connect() as conn:
        users = (await conn.execute(select(call_attempts.c.staff_user))).scalars().all()
    assert users == [OTHER_NURSE]
