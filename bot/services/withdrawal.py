"""Withdrawing consent: one use case for /stop and for "no" to keep receiving messages."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot.domain.consent import WITHDRAWN_REASON, ConsentVia
from bot.domain.enrolment import ConsentDecision
from bot.storage.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from bot.services.container import Services


async def withdraw_consent(services: Services, contact_ids: list[int], via: ConsentVia) -> None:
    """Withdraw the contacts' consent in one unit of work: all of it is written, or none."""
    async with services.store.unit_of_work() as uow:
        await withdraw_in(uow, contact_ids, via, services.clock.now())


async def withdraw_in(
    uow: UnitOfWork, contact_ids: list[int], via: ConsentVia, now: datetime
) -> None:
    """Record the withdrawal, cancel pending messages and close open surveys, within uow."""
    await uow.contacts.set_consent(contact_ids, ConsentDecision.WITHDRAWN, now, via=via)
    await uow.outbox.cancel_pending_for_contacts(contact_ids, now, WITHDRAWN_REASON)
    await uow.surveys.close_for_contacts(contact_ids, now)
    found = [await uow.contacts.get(contact_id) for contact_id in contact_ids]
    chats = [contact.chat_id for contact in found if contact is not None]
    await uow.channel_windows.drop_held_unfollowed(chats)  # nothing held may go later


async def granted_contacts(services: Services, chat_id: int) -> list[int]:
    """Return the contacts of a chat that currently consent."""
    contacts = await services.store.contacts.for_chat(chat_id)
    return [c.id for c in contacts if c.consent == ConsentDecision.GRANTED]
