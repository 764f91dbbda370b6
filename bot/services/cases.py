"""Use cases of a case: open it, and staff take, acknowledge, close and reopen it.

Each staff action decides on the case as stored (`Case.take`…), stores the change only if
the case has not moved meanwhile (re-deciding on the fresh case when it has), and only then
tells staff. A refused action posts nothing and says why (a `Refusal`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from bot.domain.cases import (
    Case,
    CaseChange,
    CaseEventKind,
    CaseKind,
    CaseSource,
    Decision,
    IllegalTransition,
    Outcome,
    Refusal,
)
from bot.domain.roles import Permission, Role, is_allowed
from bot.domain.schedule import add_working_days
from bot.services.container import Services
from bot.storage.cases import NewCase
from bot.storage.records import Contact, StaffMember

ATTEMPTS = 3  # decisions re-taken on a case that moved meanwhile, before giving up
TAKEN_NOTE = "staff/case_taken_note"
REOPENED_NOTE = "staff/case_reopened_note"


@dataclass(frozen=True)
class Applied:
    """A change stored, and the case as it was decided on."""

    case: Case
    change: CaseChange


def patient_case(
    services: Services,
    contact: Contact,
    kind: CaseKind,
    text: str,
    concerned: str,
    photo: str | None,
    source: CaseSource = CaseSource.PATIENT,
    session_id: int | None = None,
) -> NewCase:
    """Return a case raised by a patient or relative, with its deadlines from now."""
    now = services.clock.now()
    policy = services.scheduling.policy
    worked = kind is not CaseKind.PRAISE
    settings = services.settings
    return NewCase(
        kind=kind,
        patient_id=contact.patient_id,
        episode_id=contact.episode_id,
        contact_id=contact.id,
        source=source,
        session_id=session_id,
        text=text,
        due_at=now + timedelta(days=settings.answer_days) if worked else None,
        ack_due_at=add_working_days(now, settings.ack_working_days, policy.zone, policy.holidays)
        if worked
        else None,
        respondent=contact.respondent,
        relation=contact.relation,
        concerned=concerned or None,
        photo_file_id=photo,
    )


async def open_patient_case(
    services: Services,
    contact: Contact,
    kind: CaseKind,
    text: str,
    concerned: str,
    photo: str | None,
) -> Case:
    """Register a case raised by a patient or relative, and post it to staff (in the staff
    lane: the patient is answered without waiting for the staff group)."""
    new = patient_case(services, contact, kind, text, concerned, photo)
    case = await services.store.cases.open(new, services.clock.now())
    services.staff_lane.defer(lambda: services.staff_desk.post_case(case), case_id=case.id)
    return case


async def member_who_may_work(services: Services, user_id: int, case: Case) -> StaffMember | None:
    """Return the member if their role (and department) lets them work this case."""
    member = await services.store.staff.get(user_id)
    episode = await services.store.episodes.get(case.episode_id)
    if (
        member is None
        or episode is None
        or not is_allowed(
            member.role,
            Permission.WORK_CASES,
            member_department_id=member.department_id,
            target_department_id=episode.department_id,
        )
    ):
        return None
    return member


async def supervisors_of(services: Services, department_id: int | None) -> list[StaffMember]:
    """The supervisors of a department and the hospital-wide ones."""
    return [
        m
        for m in await services.store.staff.all()
        if m.role is Role.SUPERVISOR and m.department_id in (None, department_id)
    ]


def member_name(member: StaffMember) -> str:
    """How a staff member is named on the staff side (never to patients)."""
    return member.name or str(member.user_id)


async def apply(
    services: Services, case_id: int, decide: Callable[[Case], Decision]
) -> Applied | IllegalTransition:
    """Decide on the stored case and store the change, unless the case moved meanwhile."""
    for _ in range(ATTEMPTS):
        case = await services.store.cases.get(case_id)
        if case is None:
            return IllegalTransition(Refusal.GONE)
        decision = decide(case)
        if isinstance(decision, IllegalTransition):
            return decision
        if await services.store.cases.transition(case.id, case.status, decision):
            return Applied(case, decision)
    return IllegalTransition(Refusal.BUSY)


async def take(services: Services, case_id: int, member: StaffMember) -> Refusal | None:
    """Assign a case to a staff member and say so in its thread; refuse a closed case."""
    now = services.clock.now()
    return await _change_and_note(
        services, case_id, lambda case: case.take(member.user_id, now), TAKEN_NOTE, member
    )


async def _change_and_note(
    services: Services,
    case_id: int,
    decide: Callable[[Case], Decision],
    note: str,
    member: StaffMember,
) -> Refusal | None:
    """Apply a change, then note who made it in the case's thread and refresh its card."""
    done = await apply(services, case_id, decide)
    if isinstance(done, IllegalTransition):
        return done.reason
    await services.staff_desk.post_note(done.case, note, who=member_name(member))
    await services.staff_desk.refresh_card(case_id)
    return None


async def acknowledge(services: Services, case_id: int, member: StaffMember) -> Refusal | None:
    """Record who acknowledged a case first, and say so in its thread."""
    now = services.clock.now()
    done = await apply(services, case_id, lambda case: case.acknowledge(member.user_id, now))
    if isinstance(done, IllegalTransition):
        return done.reason
    local = now.astimezone(services.settings.zone)
    await services.staff_desk.post_note(
        done.case,
        "staff/case_acknowledged",
        who=member_name(member),
        at=f"{local:%m-%d %H:%M}",
    )
    if done.case.kind is CaseKind.RED_FLAG:  # now its outcome is to be recorded
        await services.staff_desk.refresh_red_flag(case_id)
    return None


async def ask_outcome(services: Services, case: Case) -> Refusal | None:
    """Offer the outcomes that close a case; refuse a closed one."""
    if case.closed:
        return Refusal.CLOSED
    await services.staff_desk.offer_outcomes(case)
    return None


async def choose_outcome(
    services: Services, case_id: int, member: StaffMember, outcome: Outcome
) -> Refusal | None:
    """Set the outcome and ask for the summary (the next staff message closes the case)."""
    now = services.clock.now()
    done = await apply(
        services, case_id, lambda case: case.choose_outcome(member.user_id, now, outcome)
    )
    if isinstance(done, IllegalTransition):
        return done.reason
    await prompt_in_thread(
        services, done.case, "staff/case_summary_prompt", CaseEventKind.SUMMARY_PROMPT, member
    )
    await services.staff_desk.refresh_card(case_id)
    return None


async def prompt_in_thread(
    services: Services,
    case: Case,
    key: str,
    remembered_as: CaseEventKind,
    member: StaffMember,
    /,
    **variables: object,
) -> str | None:
    """Post a prompt in a case's thread and keep it as an event, so a reply to it finds the
    case; return the prompt's message reference (None if it could not be posted)."""
    prompt = await services.staff_desk.post_note(case, key, **variables)
    if prompt is not None:
        await services.store.cases.record_event(
            case.id, remembered_as, services.clock.now(), member.user_id, prompt
        )
    return prompt


async def reopen(services: Services, case_id: int, member: StaffMember) -> Refusal | None:
    """Reopen a closed case as taken; refuse one that is not closed."""
    now = services.clock.now()
    return await _change_and_note(
        services, case_id, lambda case: case.reopen(member.user_id, now), REOPENED_NOTE, member
    )
