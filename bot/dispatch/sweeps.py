"""Periodic sweeps: unanswered check-ins are sent again, then counted as failed."""

from __future__ import annotations

from datetime import datetime

from bot.domain.messages import FailureReason, MessageKind, MessageStatus
from bot.domain.schedule import SendPolicy, next_send_time
from bot.domain.step_answers import StepAnswer
from bot.domain.step_hours import step_hours_of
from bot.storage.outbox_records import OutboxRow, PlannedMessage
from bot.storage.store import Store

MAX_CHECKIN_TRIES = 3
FAILED_IN_A_ROW_BEFORE_ASKING = 3
ASKED = (MessageKind.CHECKIN, MessageKind.KEEP_ASKING)
# Questions expired per sweep, oldest first: a longer list goes over the next ticks, so a
# tick never holds thousands of rows nor keeps a stop waiting for them.
EXPIRED_PER_TICK = 200


async def expire_unanswered(
    store: Store, policy: SendPolicy, now: datetime, limit: int = EXPIRED_PER_TICK
) -> int:
    """Send up to limit unanswered check-ins again at the next window, or fail them after the
    last try; return how many were looked at."""
    rows = await store.outbox.unanswered_past_due(now, ASKED, limit)
    for row in rows:
        if row.kind is MessageKind.CHECKIN and row.tries < MAX_CHECKIN_TRIES:
            own = step_hours_of(row.payload)
            send_at = next_send_time(now, policy, spread_key=row.id, step=own)
            await store.outbox.record_answer(
                row,
                StepAnswer.NO_ANSWER,
                now,
                status=MessageStatus.PENDING.value,
                send_at=send_at,
                answer_due_at=None,
            )
            continue
        await store.outbox.record_answer(
            row,
            StepAnswer.NO_ANSWER,
            now,
            status=MessageStatus.FAILED.value,
            failure_reason=FailureReason.NO_ANSWER.value,
        )
        if row.kind is MessageKind.CHECKIN:
            await _ask_to_keep_if_silent(store, row, policy, now)
    return len(rows)


async def _ask_to_keep_if_silent(
    store: Store, row: OutboxRow, policy: SendPolicy, now: datetime
) -> None:
    history = await store.outbox.answered_or_unanswered(row.contact_id, ASKED)
    history.sort(key=lambda r: (r.send_at, r.id))
    silent = 0
    for past in reversed(history):
        if past.kind is MessageKind.KEEP_ASKING or past.status is MessageStatus.ANSWERED:
            break
        silent += 1
    if silent < FAILED_IN_A_ROW_BEFORE_ASKING:
        return
    asked = len(await store.outbox.of_kind_for_contact(row.contact_id, MessageKind.KEEP_ASKING))
    send_at = next_send_time(now, policy, spread_key=row.contact_id)
    question = PlannedMessage(
        step_key=MessageKind.KEEP_ASKING.value,
        occurrence=asked,
        kind=MessageKind.KEEP_ASKING,
        template="keep/ask",
        due_at=now,
        send_at=send_at,
    )
    await store.outbox.add(row.contact_id, row.episode_id, row.patient_id, question, now)
