"""Working the phone worklist: a nurse takes the next call, records what it found."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.calls import CallOutcome, CallStatus
from bot.domain.channel_messages import Outgoing
from bot.domain.worklist.choices import CallAction, CallPick
from bot.domain.worklist.timing import (
    Later,
    after_outcome,
    later_time,
    next_working_day,
    typed_time,
)
from bot.services.call_cards import CallCards
from bot.services.container import Services
from bot.services.patient_facts import death, record_patient_fact
from bot.services.phone_checkin import begin_phone_checkin
from bot.services.worklist_upkeep import cancel_unowed
from bot.storage.audit import Actor
from bot.storage.call_tasks import CallTask, TaskAfter
from bot.storage.records import StaffMember

CALL_SOURCE = "call"  # a death learned on a call: the fact's source
CLAIM_TRIES = 20  # tasks found no longer owed at claim time, cancelled before giving up


def cards(services: Services) -> CallCards:
    """Return the worklist's message builder in the hospital's language."""
    return CallCards(services.renderer, services.locale, services.settings.zone)


async def next_call(services: Services, member: StaffMember) -> Outgoing:
    """Claim the member's next call (or the one they hold) and show it; or say none is due,
    with how many come due later today."""
    now, store = services.clock.now(), services.store
    task = await store.call_tasks.held_by(member.user_id, now)
    if task is None:
        task = await _claim(services, member, now)
    if task is None:
        later = await store.call_tasks.due_between(
            member.department_id, now, _day_end(services, now)
        )
        return cards(services).plain("calls/none_due", later=later)
    await store.call_attempts.drop_lapsed(task.id, member.user_id)
    await store.call_attempts.start(task.id, member.user_id, now)
    return await _card(services, task)


async def _claim(services: Services, member: StaffMember, now: datetime) -> CallTask | None:
    """Claim the next task still owed, cancelling those found no longer owed."""
    until = now + services.worklist.claim
    for _ in range(CLAIM_TRIES):
        task = await services.store.call_tasks.claim_next(
            member.user_id, member.department_id, now, until
        )
        if task is None or not await cancel_unowed(services.store, [task], now):
            return task
    return None


async def _card(services: Services, task: CallTask) -> Outgoing:
    episode = await services.store.episodes.get(task.episode_id)
    assert episode is not None  # a task's stay is never deleted (erasure blanks it)
    attempts = await services.store.call_attempts.of_task(task.id)
    names: dict[int, str] = {}
    for user in {attempt.staff_user for attempt in attempts}:
        found = await services.store.staff.get(user)
        names[user] = (found.name if found else None) or ""
    return cards(services).card(
        task, episode, attempts, names, services.settings.hospital_name or ""
    )


def _day_end(services: Services, now: datetime) -> datetime:
    zone = services.settings.zone
    tomorrow = now.astimezone(zone).date() + timedelta(days=1)
    return datetime.combine(tomorrow, datetime.min.time(), tzinfo=zone).astimezone(UTC)


async def on_pick(services: Services, member: StaffMember, pick: CallPick) -> Outgoing | None:
    """Act on a worklist button: record an outcome, ask when to call back, give the call
    back, or show the next one; a button of a call not held by the member changes nothing."""
    if pick.action is CallAction.NEXT:
        return await next_call(services, member)
    now = services.clock.now()
    task = await services.store.call_tasks.get(pick.task_id)
    held = task is not None and task.status is CallStatus.OPEN and task.claimed_by == member.user_id
    if task is None or not held:
        return cards(services).plain("calls/stale")
    if pick.action is CallAction.RELEASE:
        await services.store.call_tasks.release(task.id, member.user_id)
        await services.store.call_attempts.drop_open(task.id, member.user_id)
        return cards(services).plain("calls/released")
    if pick.outcome is CallOutcome.CALL_LATER:
        return cards(services).when(task.id)
    outcome = pick.outcome or CallOutcome.CALL_LATER
    return await record_outcome(services, member, task, outcome, pick.later, now)


async def record_outcome(
    services: Services,
    member: StaffMember,
    task: CallTask,
    outcome: CallOutcome,
    later: Later | datetime | None,
    now: datetime,
) -> Outgoing | None:
    """Record what the call found and what becomes of the task; a death stops everything;
    a reached call goes on with the check-in relayed to the nurse (None: nothing more to say
    here, the relay speaks)."""
    store, hours = services.store, services.worklist.hours
    tries = task.tries + (outcome is not CallOutcome.CALL_LATER)
    status, retried = after_outcome(outcome, tries, services.worklist.tries)
    call_back = later_time(later, now, hours) if isinstance(later, Later) else later
    due = call_back or (next_working_day(now, hours) if retried else None)
    async with store.unit_of_work() as uow:  # the attempt and its task change together
        attempt = await uow.call_attempts.start(task.id, member.user_id, now)
        await uow.call_attempts.finish(attempt, outcome, now, call_back)
        await uow.call_tasks.settle(task.id, TaskAfter(status, tries, outcome, due), now)
    recorded = cards(services).recorded(outcome, due, status is CallStatus.FAILED)
    if outcome is CallOutcome.REACHED:
        await services.staff_desk.relay_to_member(member.user_id, recorded)
        await begin_phone_checkin(services, attempt)
        return None
    if outcome is CallOutcome.DECEASED:
        episode = await store.episodes.get(task.episode_id)
        assert episode is not None
        await record_patient_fact(
            store, services.scheduling, episode.patient_id, death(None, CALL_SOURCE),
            Actor.staff(member.user_id), now,
        )  # fmt: skip
    return recorded


async def call_back_at(services: Services, member: StaffMember, text: str) -> Outgoing | None:
    """Record "call later" on the member's call in progress, at a typed HH:MM."""
    now = services.clock.now()
    task = await services.store.call_tasks.held_by(member.user_id, now)
    if task is None:
        return cards(services).plain("calls/stale")
    try:
        moment = typed_time(text, now, services.settings.zone)
    except ValueError:
        return cards(services).plain("calls/usage")
    return await record_outcome(services, member, task, CallOutcome.CALL_LATER, moment, now)
