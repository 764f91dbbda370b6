"""Reading outbox rows with their chat, patient and department."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select

from bot.domain.messages import FailureReason, MessageKind, MessageStatus
from bot.storage.connections import reading
from bot.storage.outbox.base import OutboxTable
from bot.storage.outbox_records import OutboxRow
from bot.storage.schema import (
    contacts,
    departments,
    episodes,
    patients,
    scheduled_messages,
    step_answers,
)

m = scheduled_messages


def joined_tables() -> Any:
    return (
        m.join(contacts, contacts.c.id == m.c.contact_id)
        .join(episodes, episodes.c.id == m.c.episode_id)
        .join(patients, patients.c.id == m.c.patient_id)
        .join(departments, departments.c.id == episodes.c.department_id)
    )


# in the order of OutboxRow's fields: a row is built from its values alone (outbox_row)
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
    episodes.c.discharged_at,
    episodes.c.department_id,
    episodes.c.flags,
    contacts.c.channel,
    contacts.c.address.label("handle"),
)


def outbox_row(values: Sequence[Any]) -> OutboxRow:
    """The OutboxRow of ROW_COLUMNS' values, in their order (no mapping by name: it costs
    more than the query itself on a batch)."""
    return OutboxRow(*values)


class OutboxQueries(OutboxTable):
    """Rows and answers read back, by id or by what they are."""

    async def get(self, row_id: int) -> OutboxRow | None:
        """Return one row by id with its chat and patient details."""
        query = select(*ROW_COLUMNS).select_from(joined_tables()).where(m.c.id == row_id)
        async with reading(self._engine) as conn:
            row = (await conn.execute(query)).first()
        return outbox_row(row) if row else None

    async def answers(self, row_id: int) -> list[str]:
        """Return the answers given to a row, oldest first."""
        query = select(step_answers.c.answer).where(step_answers.c.message_id == row_id)
        async with reading(self._engine) as conn:
            return list((await conn.execute(query.order_by(step_answers.c.id))).scalars())

    async def with_same_step(self, row_id: int) -> list[OutboxRow]:
        """Return a row (whatever its status) and the pending or sent rows of the same plan
        step of its patient in any chat, in one query; none when the row is gone."""
        own = m.alias("own")
        same_step = and_(
            m.c.patient_id == own.c.patient_id,
            m.c.step_key == own.c.step_key,
            m.c.occurrence == own.c.occurrence,
        )
        waiting = m.c.status.in_((MessageStatus.PENDING.value, MessageStatus.SENT.value))
        query = (
            select(*ROW_COLUMNS)
            .select_from(joined_tables().join(own, same_step))
            .where(own.c.id == row_id, or_(m.c.id == row_id, waiting))
        )
        async with reading(self._engine) as conn:
            result = await conn.execute(query.order_by(m.c.send_at, m.c.id))
            return [outbox_row(row) for row in result]

    async def unanswered_past_due(
        self, now: datetime, kinds: Sequence[MessageKind], limit: int
    ) -> list[OutboxRow]:
        """Return up to limit sent questions of these kinds whose time to answer ran out
        before now, oldest send time first."""
        return await self.rows(
            m.c.status == MessageStatus.SENT.value,
            m.c.kind.in_(kinds),
            m.c.answer_due_at < now,
            limit=limit,
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

    async def count_pending(self) -> int:
        """Return how many rows wait to be sent (leased ones included)."""
        query = select(func.count()).select_from(m).where(m.c.status == MessageStatus.PENDING.value)
        async with reading(self._engine) as conn:
            return int((await conn.execute(query)).scalar() or 0)

    async def rows(
        self, *conditions: ColumnElement[bool], limit: int | None = None
    ) -> list[OutboxRow]:
        """Return rows matching conditions (the first `limit`), oldest send time first."""
        query = select(*ROW_COLUMNS).select_from(joined_tables()).where(*conditions)
        async with reading(self._engine) as conn:
            result = await conn.execute(query.order_by(m.c.send_at, m.c.id).limit(limit))
            return [outbox_row(row) for row in result]
