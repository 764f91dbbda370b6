"""The outbox: planned messages as rows, claimed in batches with a lease, never lost."""

from __future__ import annotations

from collections.abc import Sequence, Set
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    func,
    insert,
    not_,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.catch_up import OpenStep
from bot.domain.enrolment import ConsentDecision
from bot.domain.messages import FailureReason, MessageKind
from bot.domain.patient_facts import PATIENT_LEVEL_EXCLUSIONS
from bot.services.ports import SendPurpose
from bot.storage.connections import Connections
from bot.storage.outbox_records import (
    MessageStatus,
    OutboxRow,
    Outcome,
    PlanCounts,
    PlannedMessage,
)
from bot.storage.schema import (
    contacts,
    deliveries,
    departments,
    episodes,
    patients,
    scheduled_messages,
    step_answers,
)
from bot.storage.tallies import count_failure, count_step, mark_episode

m = scheduled_messages
PLANNED_FIELDS = (
    "kind",
    "template",
    "survey",
    "payload",
    "due_at",
    "send_at",
    "status",
    "answer_timeout_s",
)


def _contact_ok() -> ColumnElement[bool]:
    return and_(contacts.c.consent == ConsentDecision.GRANTED.value, contacts.c.reachable.is_(True))


def _episode_ok() -> ColumnElement[bool]:
    # a stay's 死亡/纠纷 is the patient's fact (see _patient_ok), which only staff end
    not_excluded = or_(
        episodes.c.exclusion.is_(None), episodes.c.exclusion.in_(PATIENT_LEVEL_EXCLUSIONS)
    )
    return and_(episodes.c.consent.is_(True), not_excluded)


def _patient_ok() -> ColumnElement[bool]:
    return and_(
        patients.c.deceased_at.is_(None),
        patients.c.dispute_since.is_(None),
        patients.c.erased_at.is_(None),
    )


def followed_patients() -> Select[tuple[int]]:
    """The ids of patients who may be contacted: not deceased, in dispute or erased."""
    return select(patients.c.id).where(_patient_ok())


def eligible() -> ColumnElement[bool]:
    """The condition under which a row may be sent: consent, reachable, not excluded, not
    deceased or in dispute (over the outbox joined with its contact, episode and patient)."""
    return and_(_contact_ok(), _episode_ok(), _patient_ok())


def eligible_row() -> ColumnElement[bool]:
    """The same condition on the outbox alone, as one membership test per table: planners
    turn these into hashed lookups whatever their statistics say (a correlated EXISTS over
    three tables became a cross product on PostgreSQL right after a bulk insert)."""
    return and_(
        m.c.contact_id.in_(select(contacts.c.id).where(_contact_ok())),
        m.c.episode_id.in_(select(episodes.c.id).where(_episode_ok())),
        m.c.patient_id.in_(followed_patients()),
    )


def _joined() -> Any:
    return (
        m.join(contacts, contacts.c.id == m.c.contact_id)
        .join(episodes, episodes.c.id == m.c.episode_id)
        .join(patients, patients.c.id == m.c.patient_id)
        .join(departments, departments.c.id == episodes.c.department_id)
    )


ROW_COLUMNS = (
    m.c.id,
    m.c.contact_id,
    m.c.patient_id,
    m.c.episode_id,
    contacts.c.chat_id,
    contacts.c.locale,
    m.c.step_key,
    m.c.occurrence,
    m.c.kind,
    m.c.template,
    m.c.survey,
    m.c.payload,
    m.c.due_at,
    m.c.send_at,
    m.c.status,
    m.c.attempts,
    m.c.tries,
    m.c.answer_timeout_s,
    m.c.failure_reason,
    patients.c.name.label("patient_name"),
    departments.c.name.label("department"),
    contacts.c.plan_key,
    contacts.c.respondent,
    contacts.c.relation,
    episodes.c.flags,
    episodes.c.discharged_at,
    contacts.c.channel,
    contacts.c.address.label("handle"),
)


class OutboxRepository:
    def __init__(self, engine: Connections) -> None:
        self._engine = engine

    async def plan(
        self,
        contact_id: int,
        episode_id: int,
        patient_id: int,
        planned: Sequence[PlannedMessage],
        now: datetime,
    ) -> PlanCounts:
        """Store a contact's plan: new steps added, open ones re-timed, gone ones cancelled."""
        counts = PlanCounts()
        async with self._engine.begin() as conn:
            await conn.execute(
                update(m)
                .where(m.c.contact_id == contact_id, m.c.episode_id != episode_id)
                .where(m.c.status == MessageStatus.PENDING.value)
                .values(
                    status=MessageStatus.CANCELLED.value,
                    failure_reason=FailureReason.NEW_EPISODE.value,
                    updated_at=now,
                )
            )
            existing = await _existing_steps(conn, contact_id, episode_id)
            wanted = {(p.step_key, p.occurrence): p for p in planned}
            for key, (row_id, status) in existing.items():
                open_row = status in (MessageStatus.PENDING, MessageStatus.CANCELLED)
                if key not in wanted and status == MessageStatus.PENDING:
                    await _set_status(
                        conn, row_id, MessageStatus.CANCELLED, FailureReason.REPLANNED, now
                    )
                    counts.cancelled += 1
                elif key in wanted and open_row:
                    await _update_planned(conn, row_id, wanted[key], episode_id, now)
                    _count(counts, wanted[key])
                elif key in wanted:
                    counts.kept += 1
            new = [p for key, p in wanted.items() if key not in existing]
            if new:
                rows = [insert_values(p, contact_id, episode_id, patient_id, now) for p in new]
                await conn.execute(insert(m), rows)
            for p in new:
                _count(counts, p)
        return counts

    async def steps_done(self, contact_id: int, episode_id: int) -> set[tuple[str, int]]:
        """Return the planned steps of a contact's episode that already went out."""
        went_out = (MessageStatus.SENT, MessageStatus.ANSWERED, MessageStatus.FAILED)
        query = select(m.c.step_key, m.c.occurrence).where(
            m.c.contact_id == contact_id,
            m.c.episode_id == episode_id,
            m.c.status.in_([status.value for status in went_out]),
        )
        async with self._engine.connect() as conn:
            return {(key, occurrence) for key, occurrence in (await conn.execute(query)).all()}

    async def waiting_steps(self, episode_ids: Set[int], kinds: Set[str]) -> list[OpenStep]:
        """Return the pending steps of these kinds in these episodes (for plan order)."""
        query = select(m.c.id, m.c.contact_id, m.c.kind, m.c.due_at, m.c.send_at).where(
            m.c.episode_id.in_(sorted(episode_ids)),
            m.c.kind.in_(sorted(kinds)),
            m.c.status == MessageStatus.PENDING.value,
        )
        async with self._engine.connect() as conn:
            return [OpenStep(*row) for row in (await conn.execute(query)).all()]

    async def add(
        self,
        contact_id: int,
        episode_id: int,
        patient_id: int,
        planned: PlannedMessage,
        now: datetime,
    ) -> None:
        """Add one row outside the plan (a reminder of its own, a follow-up question)."""
        async with self._engine.begin() as conn:
            values = insert_values(planned, contact_id, episode_id, patient_id, now)
            await conn.execute(insert(m).values(values))

    async def claim_due(
        self, now: datetime, limit: int, lease: timedelta, owner: str
    ) -> list[OutboxRow]:
        """Lease up to limit due rows to owner; rows no longer eligible (consent withdrawn,
        excluded, the patient deceased, in dispute or erased) are cancelled first."""
        async with self._engine.begin() as conn:
            await _cancel_ineligible(conn, now, due_only=True)
            free = or_(m.c.lease_until.is_(None), m.c.lease_until < now)
            due = select(m.c.id).where(
                m.c.status == MessageStatus.PENDING.value, m.c.send_at <= now, free
            )
            # PostgreSQL: rows another dispatcher is claiming right now are skipped, not
            # waited for; SQLite (one writer at a time) renders no FOR UPDATE at all.
            due = due.order_by(m.c.send_at).limit(limit).with_for_update(skip_locked=True)
            ids = list((await conn.execute(due)).scalars())
            if not ids:
                return []
            await conn.execute(
                update(m)
                .where(m.c.id.in_(ids), m.c.status == MessageStatus.PENDING.value, free)
                .values(lease_until=now + lease, lease_owner=owner)
            )
            query = select(*ROW_COLUMNS).select_from(_joined())
            query = query.where(m.c.id.in_(ids), m.c.lease_owner == owner)
            rows = (await conn.execute(query.order_by(m.c.send_at))).mappings()
            return [OutboxRow(**row) for row in rows]

    async def get(self, row_id: int) -> OutboxRow | None:
        """Return one row by id with its chat and patient details."""
        query = select(*ROW_COLUMNS).select_from(_joined()).where(m.c.id == row_id)
        async with self._engine.connect() as conn:
            row = (await conn.execute(query)).mappings().first()
        return OutboxRow(**row) if row else None

    async def finish_many(self, owner: str, outcomes: Sequence[Outcome], now: datetime) -> int:
        """Record delivery outcomes in one transaction, releasing leases; return rows kept."""
        async with self._engine.begin() as conn:
            ids = [o.row_id for o in outcomes]
            query = select(m.c.id).where(m.c.id.in_(ids), m.c.lease_owner == owner)
            owned = set((await conn.execute(query)).scalars())  # a lost lease: not ours now
            kept = [o for o in outcomes if o.row_id in owned]
            for columns, group in _grouped_by_columns(kept).items():
                assigned: dict[str, Any] = {name: bindparam(name) for name in columns}
                assigned.update(lease_until=None, lease_owner=None, updated_at=now)
                statement = update(m).where(m.c.id == bindparam("_row")).values(assigned)
                await conn.execute(statement, [{"_row": o.row_id, **o.values} for o in group])
            if kept:
                await conn.execute(insert(deliveries), [_delivery_row(o, now) for o in kept])
            await _count_sent(
                conn, [o for o in kept if o.values.get("status") == MessageStatus.SENT], now
            )
            await _count_failed(
                conn, [o for o in kept if o.values.get("status") == MessageStatus.FAILED]
            )
        return len(kept)

    async def count_answered(self, row_id: int, now: datetime, late: bool = False) -> None:
        """Count a check-in as answered (reached); a late answer un-counts its failure."""
        async with self._engine.begin() as conn:
            query = select(m.c.kind, m.c.step_key, m.c.episode_id).where(m.c.id == row_id)
            row = (await conn.execute(query)).first()
            if row is not None and row.kind == MessageKind.CHECKIN and late:
                await count_failure(conn, row.episode_id, FailureReason.NO_ANSWER, change=-1)
            if row is not None and row.kind == MessageKind.CHECKIN:
                await count_step(conn, row.episode_id, row.step_key, answered=1)
                await mark_episode(conn, row.episode_id, "reached_at", now)

    async def set_status(
        self, row_ids: Sequence[int], status: MessageStatus, reason: str | None, now: datetime
    ) -> None:
        """Set the status of rows (answers, cancellations)."""
        async with self._engine.begin() as conn:
            for row_id in row_ids:
                await _set_status(conn, row_id, status, reason, now)

    async def record_answer(
        self, row: OutboxRow, answer: str, now: datetime, **values: Any
    ) -> None:
        """Store an answer to a row and update the row (status, new send time...)."""
        async with self._engine.begin() as conn:
            await conn.execute(
                insert(step_answers).values(
                    message_id=row.id, contact_id=row.contact_id, answer=answer, at=now
                )
            )
            if values:
                await conn.execute(
                    update(m).where(m.c.id == row.id).values(**values, updated_at=now)
                )
            if values.get("status") == MessageStatus.FAILED and row.kind is MessageKind.CHECKIN:
                await count_failure(conn, row.episode_id, str(values.get("failure_reason")))

    async def answers(self, row_id: int) -> list[str]:
        """Return the answers given to a row, oldest first."""
        query = select(step_answers.c.answer).where(step_answers.c.message_id == row_id)
        async with self._engine.connect() as conn:
            return list((await conn.execute(query.order_by(step_answers.c.id))).scalars())

    async def cancel_open(
        self, now: datetime, reason: str, *conditions: ColumnElement[bool]
    ) -> int:
        """Cancel pending rows matching conditions; return how many."""
        async with self._engine.begin() as conn:
            result = await conn.execute(
                update(m)
                .where(m.c.status == MessageStatus.PENDING.value, *conditions)
                .values(status=MessageStatus.CANCELLED.value, failure_reason=reason, updated_at=now)
            )
            return int(result.rowcount)

    async def cancel_pending_for_contacts(
        self, contact_ids: Sequence[int], now: datetime, reason: str
    ) -> int:
        """Cancel every pending row of these contacts (consent withdrawn, unreachable)."""
        return await self.cancel_open(now, reason, m.c.contact_id.in_(contact_ids))

    async def waiting_for_step(
        self, patient_id: int, step_key: str, occurrence: int
    ) -> list[OutboxRow]:
        """Return the pending or sent rows of one plan step of a patient, in any chat."""
        return await self.rows(
            m.c.patient_id == patient_id,
            m.c.step_key == step_key,
            m.c.occurrence == occurrence,
            m.c.status.in_((MessageStatus.PENDING.value, MessageStatus.SENT.value)),
        )

    async def unanswered_past_due(
        self, now: datetime, kinds: Sequence[MessageKind]
    ) -> list[OutboxRow]:
        """Return sent questions of these kinds whose time to answer ran out before now."""
        return await self.rows(
            m.c.status == MessageStatus.SENT.value, m.c.kind.in_(kinds), m.c.answer_due_at < now
        )

    async def answered_or_unanswered(
        self, contact_id: int, kinds: Sequence[MessageKind]
    ) -> list[OutboxRow]:
        """Return a contact's rows of these kinds that were answered or failed unanswered."""
        return await self.rows(
            m.c.contact_id == contact_id,
            m.c.kind.in_(kinds),
            or_(
                m.c.status == MessageStatus.ANSWERED.value,
                m.c.failure_reason == FailureReason.NO_ANSWER.value,
            ),
        )

    async def of_kind_for_contact(self, contact_id: int, kind: MessageKind) -> list[OutboxRow]:
        """Return a contact's rows of one kind, oldest send time first."""
        return await self.rows(m.c.contact_id == contact_id, m.c.kind == kind.value)

    async def cancel_ineligible(self, now: datetime) -> int:
        """Cancel every pending row whose contact or patient may no longer be contacted."""
        async with self._engine.begin() as conn:
            return await _cancel_ineligible(conn, now, due_only=False)

    async def count_pending(self) -> int:
        """Return how many rows wait to be sent (leased ones included)."""
        query = select(func.count()).select_from(m).where(m.c.status == MessageStatus.PENDING.value)
        async with self._engine.connect() as conn:
            return int((await conn.execute(query)).scalar() or 0)

    async def rows(self, *conditions: ColumnElement[bool]) -> list[OutboxRow]:
        """Return rows matching conditions, oldest send time first."""
        query = select(*ROW_COLUMNS).select_from(_joined()).where(*conditions)
        async with self._engine.connect() as conn:
            result = (await conn.execute(query.order_by(m.c.send_at, m.c.id))).mappings()
            return [OutboxRow(**row) for row in result]


async def _count_failed(conn: AsyncConnection, failed: Sequence[Outcome]) -> None:
    """Count check-ins that failed, by reason."""
    reasons = {o.row_id: o.values.get("failure_reason") for o in failed}
    query = select(m.c.id, m.c.episode_id).where(
        m.c.id.in_(list(reasons)), m.c.kind == MessageKind.CHECKIN.value
    )
    for row_id, episode_id in (await conn.execute(query)).all():
        await count_failure(conn, episode_id, str(reasons[row_id] or FailureReason.UNKNOWN))


async def _count_sent(conn: AsyncConnection, sent: Sequence[Outcome], now: datetime) -> None:
    """Count check-ins sent (the first try counts the step; any try marks followed up)."""
    first = {o.row_id for o in sent if o.values.get("tries") == 1}
    query = select(m.c.id, m.c.step_key, m.c.episode_id).where(
        m.c.id.in_([o.row_id for o in sent]), m.c.kind == MessageKind.CHECKIN.value
    )
    for row_id, step, episode_id in (await conn.execute(query)).all():
        await mark_episode(conn, episode_id, "followed_up_at", now)
        if row_id in first:
            await count_step(conn, episode_id, step, sent=1)


def _grouped_by_columns(outcomes: Sequence[Outcome]) -> dict[tuple[str, ...], list[Outcome]]:
    groups: dict[tuple[str, ...], list[Outcome]] = {}
    for outcome in outcomes:
        groups.setdefault(tuple(sorted(outcome.values)), []).append(outcome)
    return groups


def _delivery_row(outcome: Outcome, now: datetime) -> dict[str, object]:
    delivery = outcome.delivery
    return {
        "message_id": outcome.row_id,
        "chat_id": delivery.chat_id,
        "at": now,
        "outcome": delivery.outcome.value,
        "detail": delivery.detail,
        "telegram_message_id": delivery.telegram_message_id,
        "purpose": SendPurpose.OUTBOX.value,
        "channel": delivery.channel,
        "address": delivery.address or str(delivery.chat_id),
    }


def _count(counts: PlanCounts, planned: PlannedMessage) -> None:
    if planned.status == MessageStatus.MISSED:
        counts.missed += 1
    elif planned.status == MessageStatus.SUPERSEDED:
        counts.superseded += 1
    else:
        counts.scheduled += 1


def insert_values(
    p: PlannedMessage, contact_id: int, episode_id: int, patient_id: int, now: datetime
) -> dict[str, Any]:
    return {
        **{name: getattr(p, name) for name in PLANNED_FIELDS},
        "step_key": p.step_key,
        "occurrence": p.occurrence,
        "contact_id": contact_id,
        "episode_id": episode_id,
        "patient_id": patient_id,
        "attempts": 0,
        "tries": 0,
        "failure_reason": FailureReason.LATE.value if p.status == MessageStatus.MISSED else None,
        "created_at": now,
        "updated_at": now,
    }


async def _existing_steps(
    conn: AsyncConnection, contact_id: int, episode_id: int
) -> dict[tuple[str, int], tuple[int, str]]:
    """Return the planned rows of a contact's episode (not the ad-hoc keep-asking ones)."""
    query = select(m.c.step_key, m.c.occurrence, m.c.id, m.c.status).where(
        m.c.contact_id == contact_id,
        m.c.episode_id == episode_id,
        m.c.kind != MessageKind.KEEP_ASKING.value,
    )
    rows = await conn.execute(query)
    return {(key, occ): (id_, status) for key, occ, id_, status in rows.all()}


async def _update_planned(
    conn: AsyncConnection, row_id: int, p: PlannedMessage, episode_id: int, now: datetime
) -> None:
    values = {name: getattr(p, name) for name in PLANNED_FIELDS}
    reason = FailureReason.LATE.value if p.status == MessageStatus.MISSED else None
    await conn.execute(
        update(m)
        .where(m.c.id == row_id)
        .values(
            **values,
            episode_id=episode_id,
            failure_reason=reason,
            lease_until=None,
            lease_owner=None,
            updated_at=now,
        )
    )


async def _set_status(
    conn: AsyncConnection, row_id: int, status: MessageStatus, reason: str | None, now: datetime
) -> None:
    await conn.execute(
        update(m)
        .where(m.c.id == row_id)
        .values(status=status.value, failure_reason=reason, updated_at=now)
    )


async def _cancel_ineligible(conn: AsyncConnection, now: datetime, *, due_only: bool) -> int:
    conditions = [m.c.status == MessageStatus.PENDING.value, not_(eligible_row())]
    if due_only:
        conditions.append(m.c.send_at <= now)
    result = await conn.execute(
        update(m)
        .where(*conditions)
        .values(
            status=MessageStatus.CANCELLED.value,
            failure_reason=FailureReason.NOT_ELIGIBLE.value,
            updated_at=now,
        )
    )
    return int(result.rowcount)
