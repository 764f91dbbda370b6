"""Answers to sent messages: check-ins, medicines, re-examinations, keep-receiving."""

from __future__ import annotations

from datetime import timedelta

from telegram import Update

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.conversations.reexam_date import ask_visit_date
from bot.channels.telegram.handlers.replies import refuse_button, send, settle
from bot.dispatch.sweeps import KEEP_ASKING
from bot.domain.enrolment import ConsentDecision
from bot.domain.plans.model import StepKind
from bot.services.alerts import alert_staff
from bot.services.medicine_plan import CHECK_KIND
from bot.services.medicines import stop_medicine
from bot.services.revisits import close_visit
from bot.services.steps import mark_step_answered
from bot.storage.audit import Actor
from bot.storage.medicines import StopSource
from bot.storage.outbox_records import MessageStatus, OutboxRow

SNOOZE = timedelta(minutes=30)
CHOICES = {
    "md": {"taken", "snooze", "skip"},
    "mc": {"yes", "stopped"},
    "rx": {"confirm", "other", "done"},
    "ka": {"yes", "no"},
}
ROW_KINDS = {
    "md": StepKind.MEDICATION,
    "mc": CHECK_KIND,
    "rx": StepKind.REEXAM_REMINDER,
    "ka": KEEP_ASKING,
}


async def on_answer_button(update: Update, context: AppContext) -> None:
    """Check a pressed answer button against its row, then record the answer."""
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    row = await _row_answered_by(query.data or "", update.effective_chat.id, context)
    if row is None:
        await refuse_button(context, query)
        return
    await settle(query)
    prefix, choice = (query.data or "").split(":")[:2]
    handler = {"md": _medication, "mc": _still_taking, "rx": _reexam, "ka": _keep_asking}[prefix]
    await handler(context, row, choice)


async def _row_answered_by(data: str, chat_id: int, context: AppContext) -> OutboxRow | None:
    parts = data.split(":")
    if len(parts) != 3 or parts[0] not in CHOICES or parts[1] not in CHOICES[parts[0]]:
        return None
    if not parts[2].isdecimal() or len(parts[2]) > 18:
        return None
    row = await context.services.store.outbox.get(int(parts[2]))
    if row is None or row.chat_id != chat_id or row.kind != ROW_KINDS[parts[0]]:
        return None  # another chat's row, or a button of another kind of question
    return row if still_answerable(row) else None


def still_answerable(row: OutboxRow) -> bool:
    """Say whether a sent question still takes answers (late answers to silence count too)."""
    if row.tries < 1:
        return False
    if row.status in (MessageStatus.SENT, MessageStatus.PENDING):
        return True
    return row.status == MessageStatus.FAILED and row.failure_reason == "no_answer"


async def _answered(context: AppContext, row: OutboxRow, answer: str) -> None:
    """Record the answer, close the row and the same step sent to the patient's other chats."""
    store = context.services.store
    now = context.services.clock.now()
    await store.outbox.record_answer(row, answer, now)
    await mark_step_answered(store, row.id, now)


async def _medication(context: AppContext, row: OutboxRow, choice: str) -> None:
    outbox = context.services.store.outbox
    now = context.services.clock.now()
    if choice == "snooze":
        await outbox.record_answer(
            row, "snoozed", now, status=MessageStatus.PENDING.value, send_at=now + SNOOZE
        )
        await send(context, row.chat_id, "medication/snoozed", minutes=30)
        return
    answer = "taken" if choice == "taken" else "skipped"
    await outbox.record_answer(row, answer, now, status=MessageStatus.ANSWERED.value)
    await send(context, row.chat_id, f"medication/{answer}")


async def _reexam(context: AppContext, row: OutboxRow, choice: str) -> None:
    await _answered(
        context, row, {"confirm": "confirmed", "other": "reschedule"}.get(choice, "attended")
    )
    if choice == "done":
        await close_visit(context.services.store, row, context.services.clock.now())
        await send(context, row.chat_id, "reexam/attended")
    elif choice == "other":
        await ask_visit_date(context, row)
    else:
        await send(context, row.chat_id, "reexam/confirmed")


async def _still_taking(context: AppContext, row: OutboxRow, choice: str) -> None:
    """Keep reminding of a long-term medicine, or stop it and tell staff."""
    drug = row.payload.get("drug", "")
    await _answered(context, row, "still_taking" if choice == "yes" else "stopped")
    if choice == "yes":
        await send(context, row.chat_id, "medication/still_taking_noted", drug=drug)
        return
    medicine = int(str(row.payload.get("medicine", -1)))
    now = context.services.clock.now()
    actor = Actor.contact(row.contact_id)
    store = context.services.store
    if medicine >= 0:
        await stop_medicine(store, row.episode_id, medicine, StopSource.PATIENT, actor, now)
    await send(context, row.chat_id, "medication/stopped_noted", drug=drug)
    await alert_staff(context, "staff/medicine_stopped", row)


async def _keep_asking(context: AppContext, row: OutboxRow, choice: str) -> None:
    await _answered(context, row, choice)
    if choice == "yes":
        await send(context, row.chat_id, "keep/continue")
        return
    now = context.services.clock.now()
    store = context.services.store
    await store.contacts.set_consent(
        [row.contact_id], ConsentDecision.WITHDRAWN, now, via="keep_asking"
    )
    await store.outbox.cancel_pending_for_contacts([row.contact_id], now, "withdrawn")
    await send(context, row.chat_id, "stop/done")
