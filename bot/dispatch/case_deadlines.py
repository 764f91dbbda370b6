"""The case sweep: post what could not be posted, remind before deadlines, escalate breaches."""

from __future__ import annotations

import logging
from datetime import datetime

from bot.domain.cases import WORKED_KINDS, Case, CaseEventKind, Deadline, Posting, reminder_at
from bot.services.alerts import patient_variables
from bot.services.case_texts import local_text
from bot.services.cases import supervisors_of
from bot.services.container import Services

log = logging.getLogger(__name__)
DEADLINES = {  # which -> (due column, done column)
    Deadline.ACK: ("ack_due_at", "acknowledged_at"),
    Deadline.ANSWER: ("due_at", "answered_at"),
}


async def sweep_cases(services: Services) -> None:
    """Run once per dispatcher tick; each reminder and escalation happens once, restart-safe."""
    open_cases = await services.store.cases.open_of_kinds([kind.value for kind in WORKED_KINDS])
    for case in open_cases:
        if services.staff_lane.holds(case.id):  # its post waits in the staff lane
            continue
        if case.staff_message_id is None and not await _post_unposted(services, case):
            continue
        for which in DEADLINES:
            await _check_deadline(services, case, which, services.clock.now())


async def _post_unposted(services: Services, case: Case) -> bool:
    """Post a case not posted yet; False if it failed or another post of it is under way."""
    posting = await services.staff_desk.post_case(case)
    if posting is Posting.FAILED:
        await _tell_supervisors_once(services, case, "staff/group_unreachable")
    return posting is Posting.POSTED


async def _check_deadline(services: Services, case: Case, which: Deadline, now: datetime) -> None:
    due_column, done_column = DEADLINES[which]
    due: datetime | None = getattr(case, due_column)
    if due is None or getattr(case, done_column) is not None:
        return
    store = services.store
    remind = reminder_at(case.created_at, due)  # never in the first half of the window
    if remind <= now < due and await store.cases.mark_reminded(case.id, which, now):
        due_text = local_text(services.settings.zone, due)
        await services.staff_desk.post_note(
            case, "staff/case_reminder", which=which.value, due=due_text
        )
    if now > due and await store.cases.mark_overdue(case.id, which, now):
        await _tell_supervisors(
            services,
            case,
            "staff/case_overdue",
            which=which.value,
            due=local_text(services.settings.zone, due),
        )


async def _tell_supervisors_once(services: Services, case: Case, key: str) -> None:
    store, event = services.store, CaseEventKind.UNPOSTED
    if any(e.kind == event for e in await store.cases.events(case.id)):
        return
    await store.cases.record_event(case.id, event, services.clock.now())
    await _tell_supervisors(services, case, key)


async def _tell_supervisors(services: Services, case: Case, key: str, **variables: object) -> None:
    """Message each supervisor of the case's department (or hospital-wide) privately."""
    episode = await services.store.episodes.get(case.episode_id)
    if episode is None:
        return
    supervisors = await supervisors_of(services, episode.department_id)
    patient = patient_variables(services.settings, episode)
    desk = services.staff_desk
    for member in supervisors:
        if not await desk.tell_member(member.user_id, key, number=case.id, **patient, **variables):
            # e.g. a supervisor who never opened the bot
            log.warning("supervisor %s not told about case %s", member.user_id, case.id)
    if not supervisors:
        await desk.post_note(case, key, **patient, **variables)
