"""Who is reached how: SMS for consenting patients no chat reaches; a chat that takes over."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.domain.channel_messages import Address, ChannelName
from bot.domain.consent import ConsentVia
from bot.domain.enrolment import ConsentDecision, Respondent
from bot.domain.languages import effective_locale
from bot.domain.messages import FailureReason
from bot.services.planning import Scheduling, plan_contact
from bot.services.withdrawal import withdraw_in
from bot.settings import Settings
from bot.storage.contacts import NewContact
from bot.storage.reach import SmsCandidate
from bot.storage.records import Contact
from bot.storage.store import Store
from bot.storage.unit_of_work import UnitOfWork

SMS_REACH_PER_TICK = 200  # contacts created per sweep: a large list is reached over a few ticks


# A stay discharged longer ago has no plan step left to send (the longest plan ends at 11
# months): a hospital that turns SMS on is not texting patients of years past.
SMS_REACH_WITHIN = timedelta(days=366)


def sms_reach_enabled(settings: Settings) -> bool:
    """Say whether the sweeps create SMS contacts: FOLLOWUP_SMS_AUTO and an SMS provider set
    (the pages alone send no text, so no one would hear of their messages)."""
    return settings.sms_auto and settings.sms_configured


async def reach_by_sms(
    store: Store,
    scheduling: Scheduling,
    now: datetime,
    locale: str,
    limit: int = SMS_REACH_PER_TICK,
) -> int:
    """Give up to limit stays a consenting SMS contact and plan it, one transaction each;
    return how many (a stay that has a contact is never taken again)."""
    found = await store.reach.unreached_by_sms(now - SMS_REACH_WITHIN, limit)
    for candidate in found:
        chat = await store.channel_chats.key_for(Address(ChannelName.SMS, candidate.phone))
        async with store.unit_of_work() as uow:
            contact = await uow.contacts.link(
                _sms_contact(candidate, chat, locale),
                ConsentDecision.GRANTED,
                now,
                via=ConsentVia.DISCHARGE_LIST,
            )
            await plan_contact(uow, scheduling, contact, now)
    return len(found)


def _sms_contact(candidate: SmsCandidate, chat: int, locale: str) -> NewContact:
    """Describe the patient's own SMS contact, in the list's language or the hospital's."""
    return NewContact(
        patient_id=candidate.patient_id,
        episode_id=candidate.episode_id,
        chat_id=chat,
        user_id=chat,
        respondent=Respondent.PATIENT.value,
        relation=None,
        locale=effective_locale(candidate.language, locale),
        channel=ChannelName.SMS.value,
        handle=candidate.phone,
    )


async def settle_sms_for(uow: UnitOfWork, contact: Contact, now: datetime) -> list[int]:
    """Settle the stay's SMS contacts when a chat contact answers the consent question: a
    consenting chat takes over (SMS superseded), the patient's own refusal stops SMS too
    (withdrawn); a relative's refusal changes nothing. Return the SMS contacts stopped."""
    if contact.channel == ChannelName.SMS:
        return []
    stopped = await uow.reach.active_sms_of(contact.episode_id)
    if not stopped:
        return []
    if contact.consent == ConsentDecision.GRANTED:
        await uow.reach.supersede(stopped, contact.id, now)
        await uow.outbox.cancel_pending_for_contacts(stopped, now, FailureReason.CHAT_TOOK_OVER)
    elif contact.respondent == Respondent.PATIENT:
        await withdraw_in(uow, stopped, ConsentVia.INVITE, now)
    else:
        return []
    return stopped
