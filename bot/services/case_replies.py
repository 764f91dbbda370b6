"""Use cases between staff and the patient of a case: replies both ways, the closing word.

Staff messages reach the patient only once previewed and sent (bot.services.case_drafts);
the patient reads them in their own language, signed by the hospital and department only.
The closing summary stays internal. The patient's own messages go back to the thread.
"""

from __future__ import annotations

from bot.domain.cases import (
    WORKED_KINDS,
    Case,
    CaseEventKind,
    IllegalTransition,
)
from bot.domain.channel_messages import Address, Choice, Outgoing
from bot.domain.choices import encode_handling
from bot.domain.conversation_window import NoticeKind
from bot.services.cases import apply, member_name
from bot.services.container import Services
from bot.services.languages import locale_of_chat
from bot.services.messaging import chat_address
from bot.storage.records import Contact, Episode, StaffMember

STOPPED_NOTE = "staff/case_patient_stopped"
SHOWN_TEXT = 3000  # a reply or summary shown to others fits one message with its heading
Rows = tuple[tuple[Choice, ...], ...]


async def patient_stopped(services: Services, case: Case) -> bool:
    """Say whether a death or a dispute stops every message to the case's patient (and say
    so in the case's thread)."""
    episode = await services.store.episodes.get(case.episode_id)
    if episode is None or episode.patient_fact is None:
        return False
    await services.staff_desk.post_note(case, STOPPED_NOTE, fact=episode.patient_fact.value)
    return True


async def _reachable(services: Services, case: Case) -> tuple[Contact, Episode] | None:
    """Return the case's contact and episode; None if the patient must not be written to."""
    contact = await services.store.contacts.get(case.contact_id) if case.contact_id else None
    episode = await services.store.episodes.get(case.episode_id)
    if contact is None or episode is None:
        return None
    if episode.patient_fact is not None:  # a death or a dispute: nothing reaches the patient
        await services.staff_desk.post_note(case, STOPPED_NOTE, fact=episode.patient_fact.value)
        return None
    return contact, episode


async def tell_patient(
    services: Services,
    chat_id: int,
    key: str,
    choices: Rows = (),
    /,
    **variables: object,
) -> bool:
    """Send a template to a patient's chat (on its channel) in its language; False if refused."""
    address = await chat_address(services.store, chat_id)
    return await _tell(services, address, chat_id, key, choices, **variables)


async def tell_contact(
    services: Services, contact: Contact, key: str, choices: Rows = (), /, **variables: object
) -> bool:
    """Send a template to a contact at its address on its channel; False if it was refused."""
    return await _tell(services, contact.address, contact.chat_id, key, choices, **variables)


async def _tell(
    services: Services, to: Address, chat_id: int, key: str, choices: Rows, /, **variables: object
) -> bool:
    locale = await locale_of_chat(services.store, services.settings, chat_id)
    text = services.renderer.render(key, locale, **variables)
    return await services.sender.send(to, Outgoing(text, choices)) is not None


async def _send_staff_reply(
    services: Services, case: Case, contact: Contact, episode: Episode, text: str
) -> bool:
    """Send staff's words to the patient, signed by the hospital; a WeChat notice for it,
    when it must wait, names it a staff reply."""
    locale = await locale_of_chat(services.store, services.settings, contact.chat_id)
    words = services.renderer.render(
        "case/staff_reply",
        locale,
        number=case.id,
        hospital=services.settings.require_hospital_name(),
        department=episode.department,
        text=text[:SHOWN_TEXT],
    )
    message = Outgoing(words, notice=NoticeKind.STAFF_REPLY)
    return await services.sender.send(contact.address, message) is not None


async def relay_to_patient(
    services: Services, case: Case, member_id: int, text: str, after_close: bool = False
) -> bool:
    """Send a staff message to the patient, then record it and say so in the thread.

    Return False when the patient could not be written to (nothing is recorded then).
    """
    reachable = await _reachable(services, case)
    if reachable is None:
        return False
    contact, episode = reachable
    if not await _send_staff_reply(services, case, contact, episode, text):
        return False
    now = services.clock.now()
    if after_close:
        kind = CaseEventKind.AFTER_CLOSE_MESSAGE
        await services.store.cases.record_event(case.id, kind, now, member_id, text)
    else:
        done = await apply(services, case.id, lambda fresh: fresh.reply(member_id, now, text))
        if isinstance(done, IllegalTransition):
            return True  # closed meanwhile: the patient has it, the record stays as it was
    await services.staff_desk.post_note(case, "staff/case_relayed")
    await services.staff_desk.refresh_card(case.id)
    return True


async def close_case(services: Services, case: Case, member: StaffMember, summary: str) -> None:
    """Close with the chosen outcome and this internal summary; tell the patient the outcome,
    ask one question, and offer staff a separate message to the patient."""
    now = services.clock.now()
    done = await apply(services, case.id, lambda fresh: fresh.close(member.user_id, now, summary))
    if isinstance(done, IllegalTransition):
        return
    closed = done.case
    reachable = await _reachable(services, closed)
    if reachable is not None:
        await _tell_patient_closed(services, closed, reachable[0])
    render = services.renderer.render
    outcome = render(f"outcomes/{closed.outcome}", services.locale) if closed.outcome else ""
    label = render("buttons/case_after_close", services.locale)
    await services.staff_desk.offer(
        closed,
        "staff/case_closed_note",
        ((Choice(f"cs:tell:{case.id}", label),),),
        outcome=outcome,
        summary=summary[:SHOWN_TEXT],
        who=member_name(member),
    )
    await services.staff_desk.refresh_card(case.id)


async def _tell_patient_closed(services: Services, case: Case, contact: Contact) -> None:
    """Tell the patient, in their language, how the case ended and ask if they are satisfied."""
    locale = await locale_of_chat(services.store, services.settings, contact.chat_id)
    render = services.renderer.render
    outcome = render(f"outcomes/{case.outcome}", locale) if case.outcome else ""
    await tell_contact(services, contact, "case/closed", number=case.id, outcome=outcome)
    choices = (
        (
            Choice(encode_handling(case.id, True), render("buttons/handling_satisfied", locale)),
            Choice(encode_handling(case.id, False), render("buttons/handling_unsatisfied", locale)),
        ),
    )
    await tell_contact(services, contact, "case/handling_question", choices, number=case.id)


async def open_case_of_chat(services: Services, chat_id: int) -> Case | None:
    """Return the newest unclosed, posted complaint or question raised from this chat."""
    contact_ids = [c.id for c in await services.store.contacts.for_chat(chat_id)]
    if not contact_ids:
        return None
    kinds = [kind.value for kind in WORKED_KINDS]
    found = await services.store.cases.open_posted_for_contacts(contact_ids, kinds)
    return found[-1] if found else None


async def relay_to_staff(services: Services, case: Case, chat_id: int, text: str) -> None:
    """Post the patient's message into the case thread and tell the patient it went."""
    shown = text[:SHOWN_TEXT]
    await services.staff_desk.post_note(case, "staff/case_patient_reply", text=shown)
    await services.store.cases.record_event(
        case.id, CaseEventKind.PATIENT_REPLY, services.clock.now(), None, shown
    )
    await tell_patient(services, chat_id, "case/patient_reply_sent", number=case.id)


async def rate_handling(services: Services, case_id: int, chat_id: int, satisfied: bool) -> bool:
    """Record the patient's one answer on how their case was handled; False if not theirs."""
    case = await services.store.cases.get(case_id)
    contact = (
        await services.store.contacts.get(case.contact_id) if case and case.contact_id else None
    )
    if case is None or contact is None or contact.chat_id != chat_id:
        return False
    now = services.clock.now()
    done = await apply(services, case.id, lambda fresh: fresh.rate_handling(satisfied, now))
    if isinstance(done, IllegalTransition):
        return False
    await tell_patient(services, chat_id, "case/handling_thanks", satisfied=satisfied)
    await services.staff_desk.post_note(case, "staff/case_handling_feedback", satisfied=satisfied)
    return True
