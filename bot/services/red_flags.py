"""Red flags are worked: a deadline in minutes to acknowledge, one escalation when it is
missed, the outcome and a note once acknowledged, and the phone for those who call.

Every red flag is opened through `red_flag_case`, so it carries its acknowledgement
deadline whoever raised it (a check-in answer, a message the patient typed).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.cases import (
    Case,
    CaseEventKind,
    CaseKind,
    CaseSource,
    Deadline,
    IllegalTransition,
    Refusal,
)
from bot.domain.red_flags import RedFlagOutcome, ack_due
from bot.domain.roles import Permission, is_allowed
from bot.services.alerts import patient_variables
from bot.services.case_texts import local_text
from bot.services.cases import apply, member_name, prompt_in_thread, supervisors_of
from bot.services.container import Services
from bot.storage.audit import Actor
from bot.storage.cases import NewCase
from bot.storage.records import Episode, StaffMember

log = logging.getLogger(__name__)
OUTCOME_NOTE = "redflag/outcome_recorded"  # also the prompt: a reply to it is the note
NOTE_RECORDED = "redflag/note_recorded"
OVERDUE_NOTE = "redflag/overdue_note"
ESCALATION = "redflag/escalation"


def red_flag_case(
    services: Services,
    *,
    patient_id: int,
    episode_id: int,
    contact_id: int | None,
    source: CaseSource,
    session_id: int | None = None,
    question: str | None = None,
    answer: str | None = None,
    text: str | None = None,
) -> NewCase:
    """Return a red flag raised now, due to be acknowledged within FOLLOWUP_RED_FLAG_ACK_MINUTES."""
    now = services.clock.now()
    return NewCase(
        kind=CaseKind.RED_FLAG,
        patient_id=patient_id,
        episode_id=episode_id,
        contact_id=contact_id,
        source=source,
        session_id=session_id,
        question=question,
        answer=answer,
        text=text,
        ack_due_at=ack_due(now, services.settings.red_flag_ack_minutes),
    )


async def post_red_flag(services: Services, case: Case, key: str, /, **variables: object) -> bool:
    """Post a red flag's alert (template `key`) with its choices and deadline; False if not.

    The alert gets `minutes` (the deadline) and `text` (the patient's words, else the answer).
    """
    episode = await services.store.episodes.get(case.episode_id)
    if episode is None:
        return False
    posted = await services.staff_desk.post_alert(
        key,
        episode,
        acknowledge=case.id,
        choices=(),  # the red flag's own, from `acknowledge`
        minutes=services.settings.red_flag_ack_minutes,
        **{"text": case.text or variables.get("answer", ""), **variables},
    )
    if posted is not None:
        await services.store.cases.set_staff_message(case.id, posted.chat_id, posted.message_id)
    return posted is not None


async def escalate_missed(services: Services) -> int:
    """Tell supervisors and the duty contacts of each red flag not acknowledged in time, once.

    The overdue mark is taken first (once, whichever process or restart comes first), so a
    red flag is escalated exactly once however often the sweep runs.
    """
    now = services.clock.now()
    escalated = 0
    for case in await services.store.cases.red_flags_past_ack_due(now):
        if await services.store.cases.mark_overdue(case.id, Deadline.ACK, now):
            await _escalate(services, case)
            escalated += 1
    return escalated


async def _escalate(services: Services, case: Case) -> None:
    episode = await services.store.episodes.get(case.episode_id)
    if episode is None:
        return
    recipients = await _escalation_recipients(services, episode)
    variables = {
        **patient_variables(services.settings, episode),
        "phone": episode.phone or "",  # supervisors and the duty contacts call the patient
        "raised": local_text(services.settings.zone, case.created_at),
        "minutes": services.settings.red_flag_ack_minutes,
        "text": case.text or "",
    }
    told = 0
    for user_id in recipients:
        if await services.staff_desk.tell_member(user_id, ESCALATION, number=case.id, **variables):
            told += 1
        else:  # e.g. a supervisor who never opened the bot
            log.warning("red flag %s: %s not told of the missed deadline", case.id, user_id)
    await services.staff_desk.post_note(
        case, OVERDUE_NOTE, minutes=services.settings.red_flag_ack_minutes, told=told
    )


async def _escalation_recipients(services: Services, episode: Episode) -> list[int]:
    """The supervisors of the department (or hospital-wide), then the duty contacts."""
    supervisors = [m.user_id for m in await supervisors_of(services, episode.department_id)]
    duty = [user_id for user_id in services.settings.red_flag_duty if user_id not in supervisors]
    return supervisors + duty


async def record_outcome(
    services: Services, case_id: int, member: StaffMember, outcome: RedFlagOutcome
) -> Refusal | None:
    """Close a red flag with what was done, and ask (optionally) for a note."""
    now = services.clock.now()
    done = await apply(
        services, case_id, lambda case: case.record_red_flag_outcome(member.user_id, now, outcome)
    )
    if isinstance(done, IllegalTransition):
        return done.reason
    await services.staff_desk.refresh_red_flag(case_id)
    local = now.astimezone(services.settings.zone)
    await prompt_in_thread(
        services,
        done.case,
        OUTCOME_NOTE,
        CaseEventKind.RED_FLAG_NOTE_PROMPT,
        member,
        outcome=outcome.value,
        who=member_name(member),
        at=f"{local:%m-%d %H:%M}",
    )
    return None


async def record_note(
    services: Services, case: Case, member: StaffMember, note: str
) -> Refusal | None:
    """Record staff's note on a red flag's outcome (a reply to the outcome's prompt)."""
    now = services.clock.now()
    done = await apply(
        services, case.id, lambda fresh: fresh.note_red_flag(member.user_id, now, note)
    )
    if isinstance(done, IllegalTransition):
        return done.reason
    await services.staff_desk.post_note(done.case, NOTE_RECORDED, who=member_name(member))
    return None


class PhoneLookup(StrEnum):
    """What a press on a red flag's phone button comes to."""

    SHOWN = "shown"
    NOT_ALLOWED = "not_allowed"  # doctors, admins, other departments, non-staff
    NONE_ON_FILE = "none_on_file"
    GONE = "gone"  # no such red flag


@dataclass(frozen=True)
class PhoneAnswer:
    lookup: PhoneLookup
    phone: str = ""


async def phone_for(services: Services, case_id: int, user_id: int) -> PhoneAnswer:
    """Return a red flag's patient phone to a member allowed to call them; the read is audited."""
    case = await services.store.cases.get(case_id)
    if case is None or case.kind is not CaseKind.RED_FLAG:
        return PhoneAnswer(PhoneLookup.GONE)
    member = await services.store.staff.get(user_id)
    episode = await services.store.episodes.get(case.episode_id)
    if (
        member is None
        or episode is None
        or not is_allowed(
            member.role,
            Permission.SEE_PATIENT_PHONE,
            member_department_id=member.department_id,
            target_department_id=episode.department_id,
        )
    ):
        return PhoneAnswer(PhoneLookup.NOT_ALLOWED)
    if not episode.phone:
        return PhoneAnswer(PhoneLookup.NONE_ON_FILE)
    now = services.clock.now()
    await services.store.audit.record(now, Actor.staff(user_id), "patient.phone", f"case:{case.id}")
    return PhoneAnswer(PhoneLookup.SHOWN, episode.phone)
