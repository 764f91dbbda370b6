"""Record a patient's death or dispute (staff in chat, the CLI, later a family member)."""

from __future__ import annotations

from datetime import date, datetime

from bot.domain.enrolment import ConsentDecision
from bot.domain.patient_facts import FactChange, FactEffect, PatientFact
from bot.services.planning import Scheduling, plan_contact
from bot.storage.audit import Actor
from bot.storage.patient_facts import FactOutcome
from bot.storage.store import Store


async def record_patient_fact(
    store: Store,
    scheduling: Scheduling,
    patient_id: int,
    change: FactChange,
    actor: Actor,
    now: datetime,
) -> FactOutcome:
    """Record the fact and stop everything for the patient, or resume a dispute's end.

    The fact, the cancelled messages, the closed surveys and the audit entry are one
    transaction; re-planning after a dispute follows it (the re-plan sweep finishes it if
    the process stops in between).
    """
    outcome = await store.facts.record(patient_id, change, actor, now)
    if outcome.effect is FactEffect.RESUME:
        await resume_follow_up(store, scheduling, patient_id, now)
    return outcome


async def resume_follow_up(
    store: Store, scheduling: Scheduling, patient_id: int, now: datetime
) -> int:
    """Plan every consenting contact again: future steps pending, passed ones missed."""
    planned = 0
    for contact in await store.contacts.for_patient(patient_id):
        if contact.consent == ConsentDecision.GRANTED:
            await plan_contact(store, scheduling, contact, now)
            planned += 1
    return planned


async def all_stopped(store: Store, patient_ids: list[int]) -> bool:
    """Say whether every one of these patients is recorded as deceased or in dispute."""
    states = [await store.facts.state(patient_id) for patient_id in patient_ids]
    return bool(states) and all(state is not None and state.stopped for state in states)


def death(on_date: date | None, source: str) -> FactChange:
    """A death, on the date given (if known)."""
    return FactChange(PatientFact.DECEASED, True, on_date, source)


def death_withdrawn(source: str) -> FactChange:
    """A death recorded in error, withdrawn (an administrator's correction)."""
    return FactChange(PatientFact.DECEASED, False, None, source)


def dispute(active: bool, on_date: date | None, source: str) -> FactChange:
    """A dispute opened (active) or closed."""
    return FactChange(PatientFact.DISPUTE, active, on_date, source)
