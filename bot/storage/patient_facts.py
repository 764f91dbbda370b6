"""Death and dispute of a patient: recorded with what they stop, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.patient_facts import FactChange, FactEffect, FactState, PatientFact, effect_of
from bot.domain.surveys.status import SurveyStatus
from bot.storage.audit import Actor, write_audit
from bot.storage.channel_windows import drop_held_unfollowed
from bot.storage.connections import Connections, reading
from bot.storage.outbox_records import MessageStatus
from bot.storage.schema import (
    contacts,
    patient_facts,
    patients,
    scheduled_messages,
    survey_sessions,
)
from bot.storage.surveys import OPEN_STATUSES


@dataclass(frozen=True)
class FactOutcome:
    """What recording a fact did."""

    effect: FactEffect
    cancelled: int = 0  # pending messages cancelled
    surveys_closed: int = 0


@dataclass(frozen=True)
class RecordedFact:
    fact: PatientFact
    active: bool
    on_date: date | None
    source: str
    actor: str
    recorded_at: datetime


async def write_patient_fact(
    conn: AsyncConnection, patient_id: int, change: FactChange, actor: Actor, now: datetime
) -> FactOutcome:
    """Record a fact inside the caller's transaction and stop or resume what it says."""
    state = await _locked_state(conn, patient_id)
    effect = effect_of(state, change)
    if effect is FactEffect.UNCHANGED:
        return FactOutcome(effect)
    await conn.execute(insert(patient_facts).values(_fact_row(patient_id, change, actor, now)))
    column = "deceased_at" if change.fact is PatientFact.DECEASED else "dispute_since"
    value = now if change.active else None
    await conn.execute(update(patients).where(patients.c.id == patient_id).values({column: value}))
    outcome = FactOutcome(effect)
    if effect is FactEffect.STOP:
        outcome = await _stop_everything(conn, patient_id, change.fact, now)
    elif effect is FactEffect.RESUME:
        await _mark_for_replanning(conn, patient_id)
    action = f"patient.{change.fact.value}" + ("" if change.active else "_off")
    detail = f"source {change.source}; date {change.on_date or '-'}; {effect.value}"
    detail += f"; cancelled {outcome.cancelled}; surveys closed {outcome.surveys_closed}"
    await write_audit(conn, now, actor, action, f"patient:{patient_id}", detail)
    return outcome


async def _locked_state(conn: AsyncConnection, patient_id: int) -> FactState:
    """Read the patient's facts, locking the row (PostgreSQL) so two recorders queue."""
    query = select(patients.c.deceased_at, patients.c.dispute_since).where(
        patients.c.id == patient_id
    )
    deceased_at, dispute_since = (await conn.execute(query.with_for_update())).one()
    return FactState(deceased=deceased_at is not None, in_dispute=dispute_since is not None)


def _fact_row(
    patient_id: int, change: FactChange, actor: Actor, now: datetime
) -> dict[str, object]:
    return {
        "patient_id": patient_id,
        "fact": change.fact.value,
        "active": change.active,
        "on_date": change.on_date,
        "source": change.source[:300],
        "actor_kind": actor.kind.value,
        "actor_id": actor.id,
        "recorded_at": now,
    }


async def _stop_everything(
    conn: AsyncConnection, patient_id: int, fact: PatientFact, now: datetime
) -> FactOutcome:
    """Cancel every pending message and close every open survey (invites stop working by
    themselves: enrolment checks the patient's facts)."""
    m = scheduled_messages
    cancelled = await conn.execute(
        update(m)
        .where(m.c.patient_id == patient_id, m.c.status == MessageStatus.PENDING.value)
        .values(status=MessageStatus.CANCELLED.value, failure_reason=fact.value, updated_at=now)
    )
    s = survey_sessions
    closed = await conn.execute(
        update(s)
        .where(s.c.patient_id == patient_id, s.c.status.in_(OPEN_STATUSES))
        .values(status=SurveyStatus.PARTIAL.value, finished_at=now, updated_at=now)
    )
    chats = select(contacts.c.chat_id).where(contacts.c.patient_id == patient_id)
    await drop_held_unfollowed(conn, list((await conn.execute(chats)).scalars()), patient_id)
    return FactOutcome(FactEffect.STOP, int(cancelled.rowcount), int(closed.rowcount))


async def _mark_for_replanning(conn: AsyncConnection, patient_id: int) -> None:
    """Forget which plan version the contacts had, so the re-plan sweep takes them up too."""
    await conn.execute(
        update(contacts).where(contacts.c.patient_id == patient_id).values(plan_fingerprint=None)
    )


class PatientFactRepository:
    def __init__(self, engine: Connections) -> None:
        self._engine = engine

    async def record(
        self, patient_id: int, change: FactChange, actor: Actor, now: datetime
    ) -> FactOutcome:
        """Record a fact about a patient and stop (or resume) follow-up, in one transaction."""
        async with self._engine.begin() as conn:
            return await write_patient_fact(conn, patient_id, change, actor, now)

    async def state(self, patient_id: int) -> FactState | None:
        """Return whether the patient is recorded as deceased or in dispute."""
        query = select(patients.c.deceased_at, patients.c.dispute_since).where(
            patients.c.id == patient_id
        )
        async with reading(self._engine) as conn:
            row = (await conn.execute(query)).first()
        if row is None:
            return None
        return FactState(deceased=row[0] is not None, in_dispute=row[1] is not None)

    async def history(self, patient_id: int) -> list[RecordedFact]:
        """Return every recording of a fact about the patient, oldest first."""
        f = patient_facts
        query = (
            select(f.c.fact, f.c.active, f.c.on_date, f.c.source, f.c.actor_kind, f.c.actor_id)
            .add_columns(f.c.recorded_at)
            .where(f.c.patient_id == patient_id)
            .order_by(f.c.id)
        )
        async with reading(self._engine) as conn:
            rows = (await conn.execute(query)).all()
        return [
            RecordedFact(PatientFact(fact), active, on, source, f"{kind}:{id_}", at)
            for fact, active, on, source, kind, id_, at in rows
        ]
