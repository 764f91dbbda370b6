"""Closing and moving plan steps once the patient has answered or asked for another time."""

from __future__ import annotations

from datetime import datetime

from bot.domain.messages import FailureReason, MessageStatus
from bot.domain.step_answers import StepAnswer
from bot.storage.outbox_records import OutboxRow
from bot.storage.unit_of_work import Repositories

WAITING = (MessageStatus.PENDING, MessageStatus.SENT)
NO_ANSWER = FailureReason.NO_ANSWER  # why a question nobody answered failed


def still_answerable(row: OutboxRow) -> bool:
    """Say whether a sent question still takes answers (late answers to silence count too)."""
    if row.tries < 1:
        return False
    if row.status in WAITING:
        return True
    return row.status == MessageStatus.FAILED and row.failure_reason == NO_ANSWER


async def mark_step_answered(store: Repositories, row_id: int, now: datetime) -> None:
    """Mark a step answered ("reached"), and the same step sent to the patient's other chats."""
    same_step = await store.outbox.with_same_step(row_id)
    row = next((r for r in same_step if r.id == row_id), None)
    if row is None:
        return
    others = [r.id for r in same_step if r.id != row.id]
    late_answer = row.status == MessageStatus.FAILED and row.failure_reason == NO_ANSWER
    if row.status in WAITING or late_answer:
        await store.outbox.set_status([row.id], MessageStatus.ANSWERED, None, now)
        await store.outbox.count_answered(row, now, late=late_answer)
    await store.outbox.set_status(others, MessageStatus.ANSWERED, FailureReason.OTHER_CONTACT, now)


async def reschedule_step(
    store: Repositories, row_id: int, send_at: datetime, now: datetime
) -> None:
    """Send a step again at send_at (the patient asked for another time)."""
    row = await store.outbox.get(row_id)
    if row is None:
        return
    await store.outbox.record_answer(
        row,
        StepAnswer.RESCHEDULE,
        now,
        status=MessageStatus.PENDING.value,
        send_at=send_at,
        answer_due_at=None,
        failure_reason=None,
    )
