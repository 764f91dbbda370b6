"""Re-examination visits: a patient moves the visit to another date, or says they went."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from bot.domain.enrolment import ConsentDecision
from bot.domain.messages import FailureReason, MessageKind
from bot.domain.visits import PER_VISIT, visit_occurrences
from bot.services.planning import Scheduling, planned_messages
from bot.storage.audit import Actor
from bot.storage.outbox_records import MessageStatus, OutboxRow, PlannedMessage
from bot.storage.records import Episode
from bot.storage.revisits import ContactRows
from bot.storage.unit_of_work import Repositories


async def reschedule_visit(
    store: Repositories,
    scheduling: Scheduling,
    episode_id: int,
    visit: date,
    actor: Actor,
    now: datetime,
) -> Episode | None:
    """Move a stay's re-examination to `visit` and plan its reminders for every contact of
    the stay (the old date's pending ones are cancelled); return the stay as it was."""
    episode = await store.episodes.get(episode_id)
    if episode is None:
        return None
    rows = _visit_rows(scheduling, replace(episode, revisit_at=visit), now)
    contacts = [
        ContactRows(contact.id, episode.patient_id, rows)
        for contact in await store.contacts.for_patient(episode.patient_id)
        if contact.episode_id == episode.id and contact.consent == ConsentDecision.GRANTED
    ]
    await store.revisits.reschedule(episode.id, visit, contacts, actor, now)
    return episode


def _visit_rows(scheduling: Scheduling, episode: Episode, now: datetime) -> list[PlannedMessage]:
    """Return the pending re-exam reminders the stay's plan means for its (new) visit."""
    _plan, messages, _until = planned_messages(scheduling, episode, now)
    return [
        message
        for message in messages
        if message.kind is MessageKind.REEXAM_REMINDER
        and message.occurrence >= PER_VISIT
        and message.status == MessageStatus.PENDING
    ]


async def close_visit(store: Repositories, row: OutboxRow, now: datetime) -> int:
    """Cancel the pending reminders of the visit this row reminded of (and no other)."""
    return await store.revisits.cancel_visit(
        row.episode_id, visit_occurrences(row.occurrence), FailureReason.ATTENDED, now
    )
