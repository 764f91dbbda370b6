"""A check-in on the phone: the nurse who reached the patient relays the same survey.

The stay's phone contact (one per stay) is the patient's chat on the phone channel: every
message the bot would send it is shown to the nurse on the call (bot.channels.phone), and
what the nurse enters comes back as the patient's answers. So red flags, cases, questions
for a doctor and statistics work as for chat answers; the call attempt names the nurse.
"""

from __future__ import annotations

from dataclasses import replace

from bot.domain.channel_messages import Address, ChannelName, Choice, Outgoing
from bot.domain.consent import ConsentVia
from bot.domain.enrolment import ConsentDecision, Respondent
from bot.domain.messages import MessageStatus
from bot.domain.phone_relay import ANSWERERS, Answerer, who_choice
from bot.services.container import Services
from bot.services.labels import LabelGroup
from bot.services.messaging import say
from bot.services.planning import planned_messages
from bot.storage.audit import Actor
from bot.storage.contacts import NewContact
from bot.storage.phone_calls import CallInProgress
from bot.storage.records import Contact, Episode

HELD_AT_ONCE = 20  # messages kept for the patient, read out at the start of a call


class NoCallInProgress(ValueError):
    """The attempt is not a reached call in progress."""


async def begin_phone_checkin(services: Services, attempt_id: int) -> None:
    """Start relaying on a reached call: link the stay's phone contact to the attempt and ask
    the nurse who answered (the survey opens on the answer)."""
    store = services.store
    call = await store.phone_calls.in_progress(attempt_id)
    if call is None:
        raise NoCallInProgress(
            f"call attempt {attempt_id} is not a reached call in progress: record the outcome "
            "REACHED (ended_at empty) before relaying the check-in"
        )
    episode = await store.episodes.get(call.episode_id)
    assert episode is not None  # call_tasks.episode_id is a foreign key
    contact = await phone_contact(services, episode)
    await store.phone_calls.attach_contact(attempt_id, contact.id)
    now = services.clock.now()
    await store.audit.record(
        now, Actor.staff(call.staff_user), "phone.relay", f"contact:{contact.id}"
    )
    await ask_who_answered(services, contact)


async def phone_contact(services: Services, episode: Episode) -> Contact:
    """Return the stay's phone contact, made (consenting, never planned) on its first call."""
    store, now = services.store, services.clock.now()
    address = Address(ChannelName.PHONE, str(episode.id))
    found = await store.contacts.at_address(address.channel, address.chat)
    if found:
        return found[0]
    chat = await store.channel_chats.key_for(address)
    new = NewContact(
        episode.patient_id,
        episode.id,
        chat,
        chat,
        Respondent.PATIENT.value,
        None,
        services.settings.locale,  # the nurse's language: the nurse reads it out
        ChannelName.PHONE.value,
        address.chat,
    )
    # The patient consented on the discharge list and agrees on the phone.
    return await store.contacts.link(new, ConsentDecision.GRANTED, now, via=ConsentVia.PHONE_CALL)


async def ask_who_answered(services: Services, contact: Contact) -> None:
    """Ask the nurse who is on the phone: the patient, or a relative (and which)."""
    locale, renderer = services.settings.locale, services.renderer
    choices = tuple((Choice(who_choice(a), _who_words(services, a)),) for a in ANSWERERS)
    text = renderer.render("phone/ask_respondent", locale)
    await services.sender.send(contact.address, Outgoing(text, choices))


def _who_words(services: Services, answerer: Answerer) -> str:
    renderer, locale = services.renderer, services.settings.locale
    if answerer.relation is None:
        return renderer.label(LabelGroup.RESPONDENT, answerer.respondent, locale)
    relative = renderer.label(LabelGroup.RELATION, answerer.relation, locale)
    return renderer.render("phone/relative", locale, relation=relative)


async def take_answerer(services: Services, call: CallInProgress, answerer: Answerer) -> None:
    """Record who answered; read out what was kept for the patient, then open the step's
    check-in."""
    store = services.store
    assert call.contact_id is not None
    relation = answerer.relation.value if answerer.relation is not None else None
    await store.contacts.set_respondent(call.contact_id, answerer.respondent.value, relation)
    contact = await store.contacts.get(call.contact_id)
    assert contact is not None
    kept = await store.channel_windows.take_held(contact.chat_id, HELD_AT_ONCE)
    for held in kept:
        await services.sender.send(contact.address, held.message)
    if call.step is not None:
        await open_step(services, contact, call.step)
    elif not kept:
        await say(services, contact.chat_id, "phone/nothing_to_ask")


async def open_step(services: Services, contact: Contact, step: str) -> None:
    """Send the contact the step's message now (a check-in opens its survey), as the
    dispatcher sends a chat's: the nurse reads its first question."""
    store, now = services.store, services.clock.now()
    episode = await store.episodes.get(contact.episode_id)
    assert episode is not None
    plan_key, planned, _ = planned_messages(services.scheduling, episode, now)
    wanted = next((p for p in planned if p.step_key == step), None)
    if wanted is None:
        await say(services, contact.chat_id, "phone/nothing_to_ask")
        return
    rows = await store.outbox.of_kind_for_contact(contact.id, wanted.kind)
    row = next((r for r in rows if (r.step_key, r.occurrence) == (step, wanted.occurrence)), None)
    if row is not None and row.status is not MessageStatus.PENDING:
        await say(services, contact.chat_id, "phone/step_asked_before")
        return
    if row is None:
        due = replace(wanted, status=MessageStatus.PENDING, send_at=now)
        await store.contacts.set_plan(contact.id, plan_key, services.scheduling.fingerprint, None)
        await store.outbox.add(contact.id, episode.id, episode.patient_id, due, now)
        rows = await store.outbox.of_kind_for_contact(contact.id, wanted.kind)
        row = next(r for r in rows if (r.step_key, r.occurrence) == (step, wanted.occurrence))
    await services.dispatcher.send_now(row.id)


async def end_phone_call(services: Services, staff_user: int) -> bool:
    """End the call a staff member is relaying on (an unfinished survey stays as a chat's
    would); False if they are on none."""
    store, now = services.store, services.clock.now()
    call = await store.phone_calls.in_progress_for_staff(staff_user)
    if call is None or not await store.phone_calls.end(call.attempt_id, now):
        return False
    subject = f"contact:{call.contact_id}" if call.contact_id is not None else None
    await store.audit.record(now, Actor.staff(staff_user), "phone.ended", subject)
    await services.staff_desk.tell_member(staff_user, "phone/call_ended")
    return True
