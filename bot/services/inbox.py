"""Everything a patient sends outside a survey answer, on any channel: kept whole, put before
staff (into the open case's thread, else a new case that is the patient's inbox topic) and
acknowledged once per burst. Nothing is dropped; danger and deaths are triage_actions'.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.cases import Case, CaseEventKind, CaseKind, CaseSource
from bot.domain.enrolment import ConsentDecision
from bot.domain.patient_messages import (
    ACK_WINDOW,
    Acknowledgement,
    PatientMessage,
    PatientMessageKind,
    emoji_only,
)
from bot.domain.surveys.status import SurveyStatus
from bot.domain.triage import Triage
from bot.services.case_replies import open_case_of_chat
from bot.services.case_texts import local_text, who_speaks
from bot.services.cases import patient_case
from bot.services.container import Services
from bot.services.messaging import say
from bot.storage.records import Contact

SHOWN_TEXT = 3000  # what staff see of a message in one post (its heading fits beside it)
CARD_TEXT = 1000  # what a new case's card shows of the first message
KIND_LABEL = "inbox/kind"


@dataclass(frozen=True)
class Received:
    """A message recorded: its row, the contact it came from, and when."""

    id: int
    contact: Contact
    message: PatientMessage


async def sender_contact(services: Services, chat_id: int) -> Contact | None:
    """Return the patient link a chat writes for: the latest consenting one, else the latest."""
    contacts = await services.store.contacts.for_chat(chat_id)
    granted = [c for c in contacts if c.consent == ConsentDecision.GRANTED]
    linked = granted or contacts
    return linked[-1] if linked else None


async def record(
    services: Services, chat_id: int, message: PatientMessage, triage: Triage | None
) -> Received | None:
    """Keep a message whole; None when the chat belongs to no patient (nothing to keep it by)."""
    contact = await sender_contact(services, chat_id)
    if contact is None:
        return None
    row = await services.store.patient_messages.record(
        contact.patient_id, contact.id, chat_id, message, triage, services.clock.now()
    )
    return Received(row, contact, message)


async def acknowledge_once(
    services: Services,
    received: Received,
    reply: Acknowledgement,
    template: str,
    /,
    **variables: object,
) -> bool:
    """Tell the patient once per burst (ACK_WINDOW, kept in the database); False if not now."""
    store, chat_id = services.store, received.contact.chat_id
    since = services.clock.now() - ACK_WINDOW
    if await store.patient_messages.acknowledged_since(chat_id, reply, since) is not None:
        return False
    await say(services, chat_id, template, **variables)
    await store.patient_messages.acknowledged(received.id, reply)
    return True


async def take_patient_message(services: Services, chat_id: int, message: PatientMessage) -> None:
    """Record a message, put it before staff and acknowledge it (once per burst)."""
    typed = message.kind is PatientMessageKind.TEXT
    received = await record(services, chat_id, message, Triage.OTHER if typed else None)
    if received is None:  # no patient behind the chat (a stranger, a staff member)
        await say(services, chat_id, "common/not_understood")
        return
    case = await _case_for(services, chat_id)
    if case is None and typed and (emoji_only(message.text) or not message.text.strip()):
        await acknowledge_once(services, received, Acknowledgement.EMOJI, "inbox/emoji_only")
        return
    if case is None:
        case = await _open_inbox_case(services, received)
    else:
        await _relay(services, case, received)
    await services.store.patient_messages.went_to(received.id, case.id)
    await _acknowledge(services, received, case)


async def _case_for(services: Services, chat_id: int) -> Case | None:
    """Return the case a message goes to: the chat's open complaint or question in the staff
    group, else its inbox case still waiting to be posted (the sweep posts it), not a new one."""
    posted = await open_case_of_chat(services, chat_id)
    if posted is not None:
        return posted
    latest = await services.store.patient_messages.latest_case(chat_id)
    case = await services.store.cases.get(latest) if latest is not None else None
    if case is None or case.kind is not CaseKind.QUESTION or case.closed:
        return None
    return case if case.staff_message_id is None else None


async def _open_inbox_case(services: Services, received: Received) -> Case:
    """Open the patient's inbox case with the message, post it, and show a copy of media."""
    message = received.message
    text = message.text[:CARD_TEXT]
    if message.kind is not PatientMessageKind.TEXT:
        label = services.renderer.render(KIND_LABEL, services.locale, kind=message.kind.value)
        text = f"[{label}] {text}".strip()
    new = patient_case(
        services, received.contact, CaseKind.QUESTION, text, "", None, CaseSource.PATIENT_MESSAGE
    )
    case = await services.store.cases.open(new, services.clock.now())
    await services.staff_desk.post_case(case)
    posted = await services.store.cases.get(case.id) or case
    if message.kind is not PatientMessageKind.TEXT or len(message.text) > CARD_TEXT:
        await _relay(services, posted, received)
    return posted


async def _relay(services: Services, case: Case, received: Received) -> None:
    """Post the message in the case's thread under a line saying who sent it and when."""
    message, now = received.message, services.clock.now()
    shown = message.text[:SHOWN_TEXT]
    locale = services.locale
    await services.staff_desk.post_note(
        case,
        "inbox/staff_message",
        who=who_speaks(
            services.renderer, locale, received.contact.respondent, received.contact.relation
        ),
        at=local_text(services.settings.zone, now),
        kind=services.renderer.render(KIND_LABEL, locale, kind=message.kind.value),
        text=shown,
        trimmed=len(message.text) > SHOWN_TEXT,
    )
    if message.original is not None and message.kind is not PatientMessageKind.TEXT:
        await services.staff_desk.copy_into(case, message.original)
    elif message.attachment is not None:
        await services.staff_desk.attach(case, message.attachment)
    await services.store.cases.record_event(
        case.id, CaseEventKind.PATIENT_REPLY, now, None, shown or message.kind.value
    )


async def _acknowledge(services: Services, received: Received, case: Case) -> None:
    """Say it was recorded, who answers and by when; never to a family whose patient died."""
    state = await services.store.facts.state(received.contact.patient_id)
    if state is not None and state.deceased:
        return  # staff decide what, if anything, this family is told
    episode = await services.store.episodes.get(received.contact.episode_id)
    sessions = await services.store.surveys.open_for_chat(received.contact.chat_id)
    await acknowledge_once(
        services,
        received,
        Acknowledgement.RECORDED,
        "inbox/recorded",
        number=case.id,
        department=episode.department if episode else "",
        due=local_text(services.settings.zone, case.due_at)[:10],
        in_survey=any(s.status == SurveyStatus.OPEN for s in sessions),
    )
