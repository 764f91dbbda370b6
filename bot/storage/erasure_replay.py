"""Erasures made again after a restore, from the erasure ledger; the ledger healed from a database.

A restored backup may hold patients erased after it was taken, and lacks the audit events of
those erasures and of earlier restores. Re-applying the ledger erases those patients again
(found by the pseudonym of their hospital number), puts the missing audit events back with
their own times, and records the restore. Running it twice changes nothing the second time
but the new restore event.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.domain.actors import ActorKind
from bot.domain.privacy import ERASED_PREFIX, pseudonym
from bot.storage.audit import Actor, AuditEntry, write_audit
from bot.storage.erasure import ERASE_ACTION, erase_patient, erasure_scope
from bot.storage.erasure_ledger import LedgerEntry, LedgerEntryKind
from bot.storage.schema import audit_events as a
from bot.storage.schema import patients

REAPPLY_ACTION = "patient.erase.again"
RESTORE_ACTION = "database.restore"
KEPT_ACTIONS = (ERASE_ACTION, RESTORE_ACTION)


@dataclass(frozen=True)
class Reapplied:
    """A patient erased again: the internal id, and when the erasure was first made."""

    patient_id: int
    erased_at: datetime


@dataclass(frozen=True)
class RestoreOutcome:
    reapplied: list[Reapplied]
    restore: LedgerEntry  # the restore's own audit event, for the ledger


async def reapply_ledger(
    engine: AsyncEngine, entries: list[LedgerEntry], now: datetime, actor: Actor, detail: str
) -> RestoreOutcome:
    """Put back the kept audit events, erase again whom the ledger names, record the restore."""
    await _put_back_audit_events(engine, entries)
    unerased = await _unerased_by_pseudonym(engine)
    reapplied = []
    for entry in entries:
        hospital_no = unerased.pop(entry.pseudonym or "", None)
        if entry.kind is not LedgerEntryKind.ERASURE or hospital_no is None:
            continue
        scope = await erasure_scope(engine, hospital_no)
        if scope is not None:
            await erase_patient(engine, scope, hospital_no, now, actor, action=REAPPLY_ACTION)
            reapplied.append(Reapplied(scope.patient_id, entry.at))
    detail = f"{detail}; erasures made again: {len(reapplied)}"
    async with engine.begin() as conn:
        await write_audit(conn, now, actor, RESTORE_ACTION, None, detail)
    event = AuditEntry(now, actor.kind.value, actor.id, RESTORE_ACTION, None, detail)
    return RestoreOutcome(reapplied, LedgerEntry.of(LedgerEntryKind.RESTORE, event))


async def erasures_in_database(engine: AsyncEngine) -> list[LedgerEntry]:
    """The erasures a database holds, as ledger entries (with their audit events if kept)."""
    erased = select(patients.c.id, patients.c.hospital_no, patients.c.erased_at).where(
        patients.c.erased_at.is_not(None)
    )
    async with engine.connect() as conn:
        rows = (await conn.execute(erased)).all()
        events = {entry.subject: entry for entry in await _kept_events(conn)}
    entries = []
    for patient_id, marker, erased_at in rows:
        subject = f"patient:{patient_id}"
        hidden = str(marker).removeprefix(ERASED_PREFIX)
        unknown = AuditEntry(erased_at, ActorKind.CLI.value, "unknown", ERASE_ACTION, subject, None)
        event = events.get(subject, unknown)
        entries.append(LedgerEntry.of(LedgerEntryKind.ERASURE, event, hidden))
    return entries


async def _kept_events(conn: AsyncConnection) -> list[AuditEntry]:
    query = select(a.c.at, a.c.actor_kind, a.c.actor_id, a.c.action, a.c.subject, a.c.detail)
    rows = (await conn.execute(query.where(a.c.action.in_(KEPT_ACTIONS)))).mappings()
    return [AuditEntry(**row) for row in rows]


async def _put_back_audit_events(engine: AsyncEngine, entries: list[LedgerEntry]) -> None:
    async with engine.begin() as conn:
        present = {(e.at, e.action, e.subject) for e in await _kept_events(conn)}
        missing = [e.audit for e in entries if (e.at, e.action, e.subject) not in present]
        if missing:
            await conn.execute(insert(a), [asdict(event) for event in missing])


async def _unerased_by_pseudonym(engine: AsyncEngine) -> dict[str, str]:
    query = select(patients.c.hospital_no).where(patients.c.erased_at.is_(None))
    async with engine.connect() as conn:
        numbers = (await conn.execute(query)).scalars().all()
    return {pseudonym(number): number for number in numbers}
