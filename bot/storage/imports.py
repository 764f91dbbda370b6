"""Write a validated discharge list in one transaction: new episodes, updates, nothing twice."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.domain.discharge.model import DischargeRecord
from bot.domain.patient_facts import (
    PATIENT_LEVEL_EXCLUSIONS,
    FactChange,
    FactEffect,
    PatientFact,
    import_source,
)
from bot.domain.privacy import erased_marker
from bot.storage.audit import Actor, write_audit
from bot.storage.patient_facts import write_patient_fact
from bot.storage.records import ImportCounts
from bot.storage.schema import departments, episodes, patients

PATIENT_FIELDS = ("name", "sex", "age", "birth_date", "phone")
EPISODE_FIELDS = (
    "department_id",
    "admitted_at",
    "ward",
    "attending_doctor",
    "nurse",
    "diagnosis",
    "discharge_condition",
    "consent",
    "plan",
    "revisit_at",
    "treated_on",
    "medications",
    "flags",
    "notes",
    "exclusion",
    "language",
    "preferred_channel",
)
CHUNK = 2000
Progress = Callable[[int, int], None]  # (episodes written so far, episodes to write)


@dataclass
class _Patient:
    id: int | None
    fields: dict[str, Any]
    latest_discharge: datetime | None = None
    changed: bool = False
    is_new: bool = False
    episodes: dict[datetime, tuple[int, dict[str, Any]]] = field(default_factory=dict)


@dataclass
class _Plan:
    new_episodes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    changed_episodes: list[dict[str, Any]] = field(default_factory=list)


async def apply_discharge_records(
    engine: AsyncEngine,
    records: Sequence[DischargeRecord],
    source_file: str,
    now: datetime,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    actor: Actor | None = None,
) -> ImportCounts:
    """Store records all-or-nothing and count what is new, updated and unchanged.

    With dry_run the same work is done and then rolled back, so the counts are exact. With
    an actor the import is written to the audit log in the same transaction.
    """
    counts = ImportCounts(rows_read=len(records))
    ordered = sorted(records, key=lambda r: r.discharged_at)
    async with engine.connect() as conn:
        transaction = await conn.begin()
        ordered = await _without_erased(conn, ordered, counts)
        department_ids = await _ensure_departments(conn, {r.department for r in ordered})
        known = await _load_patients(conn, {r.hospital_no for r in ordered})
        facts = facts_in_rows(known, ordered, source_file)
        plan = _plan_changes(known, department_ids, ordered, counts)
        await _write_patients(conn, known, now)
        await _write_episodes(conn, known, plan, source_file, now, progress)
        for hospital_no, change in facts:
            patient_id = known[hospital_no].id
            assert patient_id is not None
            outcome = await write_patient_fact(conn, patient_id, change, actor or Actor.bot(), now)
            if outcome.effect is FactEffect.STOP:
                fact = change.fact.value
                counts.stopped[fact] = counts.stopped.get(fact, 0) + 1
        if actor is not None:
            await _audit_import(conn, actor, source_file, counts, now)
        await (transaction.rollback() if dry_run else transaction.commit())
    for record in ordered:
        if record.exclusion is not None:
            key = record.exclusion.value
            counts.excluded[key] = counts.excluded.get(key, 0) + 1
    return counts


async def _without_erased(
    conn: AsyncConnection, records: list[DischargeRecord], counts: ImportCounts
) -> list[DischargeRecord]:
    """Leave out patients whose data was erased at their request (they are not re-created)."""
    markers = {erased_marker(r.hospital_no): r.hospital_no for r in records}
    erased: set[str] = set()
    for chunk in _chunks(sorted(markers)):
        query = select(patients.c.hospital_no).where(patients.c.hospital_no.in_(chunk))
        erased.update(markers[marker] for marker in (await conn.execute(query)).scalars())
    kept = [r for r in records if r.hospital_no not in erased]
    counts.erased = len(records) - len(kept)
    return kept


async def _audit_import(
    conn: AsyncConnection, actor: Actor, source_file: str, counts: ImportCounts, now: datetime
) -> None:
    detail = f"new {counts.imported}, updated {counts.updated}, unchanged {counts.unchanged}"
    await write_audit(conn, now, actor, "import", f"file:{source_file}", detail)


def facts_in_rows(
    known: dict[str, _Patient], ordered: Sequence[DischargeRecord], source_file: str
) -> list[tuple[str, FactChange]]:
    """Return the deaths and disputes rows tell of: new stays, or stays that now say so.

    A row already imported with the same flag tells nothing new, so re-importing a list
    never reopens a dispute that staff closed.
    """
    found = []
    for record in ordered:
        reason = record.exclusion
        if reason is None or reason.value not in PATIENT_LEVEL_EXCLUSIONS:
            continue
        patient = known.get(record.hospital_no)
        stored = patient.episodes.get(record.discharged_at) if patient else None
        if stored is None or stored[1]["exclusion"] != reason.value:
            source = import_source(source_file, record.line)
            change = FactChange(PatientFact(reason.value), True, None, source)
            found.append((record.hospital_no, change))
    return found


def _plan_changes(
    known: dict[str, _Patient],
    department_ids: dict[str, int],
    ordered: Sequence[DischargeRecord],
    counts: ImportCounts,
) -> _Plan:
    plan = _Plan()
    for record in ordered:
        patient_fields = {name: getattr(record, name) for name in PATIENT_FIELDS}
        patient = known.setdefault(record.hospital_no, _Patient(None, {}, is_new=True))
        patient_changed = _merge_patient(patient, patient_fields, record.discharged_at)
        episode_fields = _episode_fields(record, department_ids)
        existing = patient.episodes.get(record.discharged_at)
        if existing is None:
            row = {**episode_fields, "discharged_at": record.discharged_at, "line": record.line}
            plan.new_episodes.append((record.hospital_no, row))
            patient.episodes[record.discharged_at] = (0, episode_fields)
            counts.imported += 1
        elif existing[1] != episode_fields:
            plan.changed_episodes.append({"_id": existing[0], **episode_fields})
            counts.updated += 1
        elif patient_changed:
            counts.updated += 1
        else:
            counts.unchanged += 1
    return plan


def _merge_patient(patient: _Patient, fields: dict[str, Any], discharged_at: datetime) -> bool:
    """Take a row's personal fields when it is the patient's newest discharge."""
    if patient.latest_discharge is not None and discharged_at < patient.latest_discharge:
        return False
    patient.latest_discharge = discharged_at
    if patient.fields == fields:
        return False
    patient.fields = fields
    patient.changed = True
    return not patient.is_new


def _episode_fields(record: DischargeRecord, department_ids: dict[str, int]) -> dict[str, Any]:
    values = {name: getattr(record, name) for name in EPISODE_FIELDS if name != "department_id"}
    values["department_id"] = department_ids[record.department]
    values["exclusion"] = record.exclusion.value if record.exclusion else None
    preferred = record.preferred_channel
    values["preferred_channel"] = preferred.value if preferred else None
    return values


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


async def _ensure_departments(conn: AsyncConnection, names: set[str]) -> dict[str, int]:
    query = select(departments.c.name, departments.c.id)
    ids: dict[str, int] = {name: id_ for name, id_ in (await conn.execute(query)).all()}
    missing = sorted(names - ids.keys())
    if missing:
        await conn.execute(insert(departments), [{"name": name} for name in missing])
        ids = {name: id_ for name, id_ in (await conn.execute(query)).all()}
    return ids


async def _load_patients(conn: AsyncConnection, numbers: set[str]) -> dict[str, _Patient]:
    known: dict[str, _Patient] = {}
    by_id: dict[int, _Patient] = {}
    person = [patients.c[name] for name in PATIENT_FIELDS]
    for chunk in _chunks(sorted(numbers)):
        query = select(patients.c.id, patients.c.hospital_no, *person).where(
            patients.c.hospital_no.in_(chunk)
        )
        for row in (await conn.execute(query)).mappings():
            patient = _Patient(row["id"], {name: row[name] for name in PATIENT_FIELDS})
            known[row["hospital_no"]] = by_id[row["id"]] = patient
    await _load_episodes(conn, by_id)
    return known


async def _load_episodes(conn: AsyncConnection, by_id: dict[int, _Patient]) -> None:
    columns = [episodes.c[name] for name in EPISODE_FIELDS]
    for chunk in _chunks(sorted(by_id)):
        query = select(episodes.c.id, episodes.c.patient_id, episodes.c.discharged_at, *columns)
        rows = (await conn.execute(query.where(episodes.c.patient_id.in_(chunk)))).mappings()
        for row in rows:
            patient = by_id[row["patient_id"]]
            patient.episodes[row["discharged_at"]] = (
                row["id"],
                {name: row[name] for name in EPISODE_FIELDS},
            )
            if patient.latest_discharge is None or row["discharged_at"] > patient.latest_discharge:
                patient.latest_discharge = row["discharged_at"]


async def _write_patients(conn: AsyncConnection, known: dict[str, _Patient], now: datetime) -> None:
    new = [(no, p) for no, p in known.items() if p.is_new]
    for chunk in _chunks(new):
        rows = [
            {"hospital_no": no, **p.fields, "created_at": now, "updated_at": now} for no, p in chunk
        ]
        result = await conn.execute(
            insert(patients).returning(patients.c.id, patients.c.hospital_no), rows
        )
        for id_, hospital_no in result.all():
            known[hospital_no].id = id_
    changed = [
        {"_id": p.id, **p.fields, "updated_at": now}
        for p in known.values()
        if p.changed and not p.is_new
    ]
    if changed:
        await conn.execute(update(patients).where(patients.c.id == bindparam("_id")), changed)


async def _write_episodes(
    conn: AsyncConnection,
    known: dict[str, _Patient],
    plan: _Plan,
    source_file: str,
    now: datetime,
    progress: Progress | None,
) -> None:
    stamp = {"source_file": source_file, "imported_at": now, "updated_at": now}
    rows = [
        {
            **{k: v for k, v in row.items() if k != "line"},
            "source_line": row["line"],
            "patient_id": known[no].id,
            **stamp,
        }
        for no, row in plan.new_episodes
    ]
    changed = [{**row, "updated_at": now} for row in plan.changed_episodes]
    total, done = len(rows) + len(changed), 0
    for statement, batch in (
        (insert(episodes), rows),
        (update(episodes).where(episodes.c.id == bindparam("_id")), changed),
    ):
        for chunk in _chunks(batch):
            await conn.execute(statement, list(chunk))
            done += len(chunk)
            if progress is not None:
                progress(done, total)
