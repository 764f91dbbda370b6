"""Typed words that cannot wait, in any state of the chat: danger opens a red flag at once
(the patient's own words to staff, the safe advice to the patient: never a diagnosis); a
death gets the handbook's condolence and asks staff to confirm it (one button), and only a
staff member's confirmation records it and stops everything for that patient."""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum
from typing import TypedDict

from bot.domain.cases import Case, CaseSource
from bot.domain.channel_messages import Choice
from bot.domain.choices import encode_death_report
from bot.domain.patient_facts import FactEffect
from bot.domain.patient_messages import ACK_WINDOW, Acknowledgement, PatientMessage
from bot.domain.patient_messages import PatientMessageKind as Kind
from bot.domain.roles import Permission, is_allowed
from bot.domain.triage import Triage, triage
from bot.services.case_texts import local_text, who_speaks
from bot.services.container import Services
from bot.services.inbox import SHOWN_TEXT, Received, acknowledge_once, record
from bot.services.messaging import say
from bot.services.patient_facts import death, record_patient_fact
from bot.services.red_flags import post_red_flag, red_flag_case
from bot.storage.audit import Actor
from bot.storage.records import StaffMember

DEATH_SOURCE = "patient_message"


class Confirmation(StrEnum):
    """What came of a staff member's press on "confirm this death"."""

    RECORDED = "recorded"
    ALREADY = "already"  # recorded before (by this report or otherwise)
    NOT_ALLOWED = "not_allowed"  # the member may not record deaths for this patient
    GONE = "gone"  # no such report


async def take_alarming_text(services: Services, chat_id: int, text: str) -> bool:
    """Act at once on danger or a death in typed text; False when it is neither."""
    verdict = triage(text)
    if verdict is Triage.OTHER:
        return False
    received = await record(services, chat_id, PatientMessage(Kind.TEXT, text), verdict)
    if received is None:  # no patient behind the chat: the safe advice or kind words only
        template = "inbox/danger_advice" if verdict is Triage.DANGER else "inbox/condolence"
        await say(services, chat_id, template, known=False)
    elif verdict is Triage.DANGER:
        await _raise_red_flag(services, received)
    else:
        await _report_death(services, received)
    return True


class StaffLines(TypedDict):
    """What staff are shown of a message: who wrote, when, and their words."""

    who: str
    at: str
    text: str


def _staff_lines(services: Services, received: Received) -> StaffLines:
    contact, now = received.contact, services.clock.now()
    return StaffLines(
        who=who_speaks(services.renderer, services.locale, contact.respondent, contact.relation),
        at=local_text(services.settings.zone, now),
        text=received.message.text[:SHOWN_TEXT],
    )


async def _raise_red_flag(services: Services, received: Received) -> None:
    """Open a red flag with the patient's words and alert staff; advise the patient once."""
    store, lines = services.store, _staff_lines(services, received)
    earlier = await _red_flag_of_burst(services, received)
    if earlier is not None:  # more words of the same burst: under the same alert
        await services.staff_desk.post_note(earlier, "inbox/staff_danger_more", **lines)
        await store.patient_messages.went_to(received.id, earlier.id)
        return
    contact = received.contact
    new = red_flag_case(
        services,
        patient_id=contact.patient_id,
        episode_id=contact.episode_id,
        contact_id=contact.id,
        source=CaseSource.PATIENT_MESSAGE,
        text=lines["text"],
    )
    said_by = replace(new, respondent=contact.respondent, relation=contact.relation)
    case = await store.cases.open(said_by, services.clock.now())
    await store.patient_messages.went_to(received.id, case.id)
    await post_red_flag(services, case, "inbox/staff_danger", number=case.id, **lines)
    await acknowledge_once(
        services, received, Acknowledgement.DANGER_ADVICE, "inbox/danger_advice", known=True
    )


async def _red_flag_of_burst(services: Services, received: Received) -> Case | None:
    """Return the posted red flag this chat's danger words opened within the window, if any."""
    since = services.clock.now() - ACK_WINDOW
    advised = await services.store.patient_messages.acknowledged_since(
        received.contact.chat_id, Acknowledgement.DANGER_ADVICE, since
    )
    if advised is None or advised.case_id is None:
        return None
    case = await services.store.cases.get(advised.case_id)
    return case if case is not None and case.staff_message_id is not None else None


async def _report_death(services: Services, received: Received) -> None:
    """Ask staff to confirm the death (one button), and give the family the condolence."""
    episode = await services.store.episodes.get(received.contact.episode_id)
    state = await services.store.facts.state(received.contact.patient_id)
    if episode is not None and not (state is not None and state.deceased):
        label = services.renderer.render("buttons/death_confirm", services.locale)
        choices = ((Choice(encode_death_report(received.id), label),),)
        await services.staff_desk.post_alert(
            "inbox/staff_death", episode, choices=choices, **_staff_lines(services, received)
        )
    await acknowledge_once(
        services, received, Acknowledgement.CONDOLENCE, "inbox/condolence", known=True
    )


async def confirm_reported_death(services: Services, message_id: int, user_id: int) -> Confirmation:
    """Record the death a family reported, for staff allowed to record it for that patient."""
    store = services.store
    reported = await store.patient_messages.get(message_id)
    if reported is None or reported.triage is not Triage.DEATH or reported.contact_id is None:
        return Confirmation.GONE
    contact = await store.contacts.get(reported.contact_id)
    episode = await store.episodes.get(contact.episode_id) if contact else None
    if episode is None:
        return Confirmation.GONE
    member = await store.staff.get(user_id)
    if member is None or not _may_record(member, episode.department_id):
        return Confirmation.NOT_ALLOWED
    outcome = await record_patient_fact(
        store,
        services.scheduling,
        reported.patient_id,
        death(None, DEATH_SOURCE),
        Actor.staff(member.user_id),
        services.clock.now(),
    )
    changed = outcome.effect is not FactEffect.UNCHANGED
    return Confirmation.RECORDED if changed else Confirmation.ALREADY


def _may_record(member: StaffMember, department_id: int | None) -> bool:
    return is_allowed(
        member.role,
        Permission.RECORD_PATIENT_FACTS,
        member_department_id=member.department_id,
        target_department_id=department_id,
    )
