"""Rows answered, their status set, and pending rows cancelled."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, insert, update

from bot.domain.messages import FailureReason, MessageKind, MessageStatus
from bot.domain.step_answers import FINAL_ANSWERS
from bot.storage.outbox.base import OutboxTable, set_row_status
from bot.storage.outbox.eligibility import cancel_ineligible_rows
from bot.storage.outbox_records import OutboxRow
from bot.storage.schema import scheduled_messages, step_answers
from bot.storage.tallies import (
    count_failure,
    count_step,
    mark_channel,
    mark_episode,
    stay_key,
)

m = scheduled_messages


class OutboxStatuses(OutboxTable):
    """Answers recorded on rows, statuses set, pending rows cancelled."""

    async def count_answered(self, row: OutboxRow, now: datetime, late: bool = False) -> None:
        """Count a check-in as answered (reached); a late answer un-counts its failure."""
        if row.kind != MessageKind.CHECKIN:
            return
        stay = stay_key(row.discharged_at, row.department_id)
        async with self._engine.begin() as conn:
            if late:
                await count_failure(conn, row.episode_id, FailureReason.NO_ANSWER, change=-1)
            await count_step(conn, stay, row.plan_key, row.step_key, answered=1)
            await mark_episode(conn, row.episode_id, "reached_at", now)
            await mark_channel(conn, row.episode_id, row.channel, stay, "reached_at", now)

    async def set_status(
        self, row_ids: Sequence[int], status: MessageStatus, reason: str | None, now: datetime
    ) -> None:
        """Set the status of rows (answers, cancellations)."""
        async with self._engine.begin() as conn:
            for row_id in row_ids:
                await set_row_status(conn, row_id, status, reason, now)

    async def record_answer(
        self, row: OutboxRow, answer: str, now: datetime, **values: Any
    ) -> None:
        """Store an answer to a row and update the row (status, new send time...); an answer
        that settles the row is kept on it too, for adherence (see FINAL_ANSWERS)."""
        if answer in FINAL_ANSWERS:
            values = {**values, "final_answer": answer}
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

    async def cancel_ineligible(self, now: datetime) -> int:
        """Cancel every pending row whose contact or patient may no longer be contacted."""
        async with self._engine.begin() as conn:
            return await cancel_ineligible_rows(conn, now, due_only=False)
