"""Answers to sent plan steps: medicine reminders and checks, re-examinations, keep receiving."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from bot.domain.choices import (
    AnswerButton,
    AnswerChoice,
    KeepAskingChoice,
    MedicationChoice,
    Prefix,
    ReexamChoice,
    StillTakingChoice,
)
from bot.domain.consent import ConsentVia
from bot.domain.messages import MessageKind, MessageStatus
from bot.domain.step_answers import SNOOZE, StepAnswer
from bot.services.alerts import alert_staff
from bot.services.medicines import stop_medicine
from bot.services.messaging import say
from bot.services.revisits import close_visit
from bot.services.steps import mark_step_answered, still_answerable
from bot.services.visit_dates import ask_visit_date
from bot.services.withdrawal import withdraw_in
from bot.storage.audit import Actor
from bot.storage.medicines import StopSource
from bot.storage.outbox_records import OutboxRow
from bot.storage.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from bot.services.container import Services

ROW_KINDS: dict[Prefix, MessageKind] = {  # which kind of sent row each answer prefix answers
    Prefix.MEDICATION: MessageKind.MEDICATION,
    Prefix.STILL_TAKING: MessageKind.MEDICATION_CHECK,
    Prefix.REEXAM: MessageKind.REEXAM_REMINDER,
    Prefix.KEEP_ASKING: MessageKind.KEEP_ASKING,
}
REEXAM_ANSWERS = {
    ReexamChoice.CONFIRM: StepAnswer.CONFIRMED,
    ReexamChoice.OTHER: StepAnswer.RESCHEDULE,
    ReexamChoice.DONE: StepAnswer.ATTENDED,
}


@dataclass(frozen=True)
class Reply:
    """What to tell the patient: a template and its variables."""

    template: str
    variables: dict[str, Any] = field(default_factory=dict)


async def answerable_row(
    services: Services, button: AnswerButton, chat_id: int
) -> OutboxRow | None:
    """Return the sent row a button answers, if it is this chat's, of its kind, and open."""
    row = await services.store.outbox.get(button.row_id)
    if row is None or row.chat_id != chat_id or row.kind != ROW_KINDS[button.prefix]:
        return None  # another chat's row, or a button of another kind of question
    return row if still_answerable(row) else None


async def answer_step(services: Services, row: OutboxRow, choice: AnswerChoice) -> None:
    """Record an answer to a sent step, tell the patient what follows, and staff when a
    long-term medicine was stopped; "another date" asks which day instead."""
    if isinstance(choice, MedicationChoice):
        reply: Reply | None = await _answer_medication(services, row, choice)
    elif isinstance(choice, StillTakingChoice):
        reply = await _answer_still_taking(services, row, choice)
    elif isinstance(choice, ReexamChoice):
        reply = await _answer_reexam(services, row, choice)
    else:
        reply = await _answer_keep_asking(services, row, choice)
    if reply is None:  # another re-examination date: which day?
        await ask_visit_date(services, row)
        return
    await say(services, row.chat_id, reply.template, **reply.variables)
    if choice is StillTakingChoice.STOPPED:
        await alert_staff(services, "staff/medicine_stopped", row)


async def _answered(
    uow: UnitOfWork, row: OutboxRow, answer: StepAnswer, services: Services
) -> None:
    """Record the answer, close the row and the same step sent to the patient's other chats."""
    now = services.clock.now()
    await uow.outbox.record_answer(row, answer, now)
    await mark_step_answered(uow, row.id, now)


async def _answer_medication(services: Services, row: OutboxRow, choice: MedicationChoice) -> Reply:
    """Record a medicine reminder taken or skipped, or send it again after the snooze."""
    now, outbox = services.clock.now(), services.store.outbox
    if choice is MedicationChoice.SNOOZE:
        pending = MessageStatus.PENDING.value
        await outbox.record_answer(
            row, StepAnswer.SNOOZED, now, status=pending, send_at=now + SNOOZE
        )
        return Reply("medication/snoozed", {"minutes": SNOOZE // timedelta(minutes=1)})
    answer = StepAnswer.TAKEN if choice is MedicationChoice.TAKEN else StepAnswer.SKIPPED
    await outbox.record_answer(row, answer, now, status=MessageStatus.ANSWERED.value)
    return Reply(f"medication/{answer}")


async def _answer_reexam(services: Services, row: OutboxRow, choice: ReexamChoice) -> Reply | None:
    """Record a re-examination answer; None when the patient must now pick another date."""
    async with services.store.unit_of_work() as uow:
        await _answered(uow, row, REEXAM_ANSWERS[choice], services)
        if choice is ReexamChoice.DONE:  # already went: no more reminders of this visit
            await close_visit(uow, row, services.clock.now())
    if choice is ReexamChoice.OTHER:
        return None
    return Reply("reexam/attended" if choice is ReexamChoice.DONE else "reexam/confirmed")


async def _answer_still_taking(
    services: Services, row: OutboxRow, choice: StillTakingChoice
) -> Reply:
    """Keep reminding of a long-term medicine, or stop its reminders."""
    drug = row.payload.get("drug", "")
    stopped = choice is StillTakingChoice.STOPPED
    async with services.store.unit_of_work() as uow:
        await _answered(
            uow, row, StepAnswer.STOPPED if stopped else StepAnswer.STILL_TAKING, services
        )
        medicine = int(str(row.payload.get("medicine", -1)))
        if stopped and medicine >= 0:
            actor, now = Actor.contact(row.contact_id), services.clock.now()
            await stop_medicine(uow, row.episode_id, medicine, StopSource.PATIENT, actor, now)
    template = "medication/stopped_noted" if stopped else "medication/still_taking_noted"
    return Reply(template, {"drug": drug})


async def _answer_keep_asking(
    services: Services, row: OutboxRow, choice: KeepAskingChoice
) -> Reply:
    """Keep sending messages, or withdraw consent (as /stop does) with the answer, all or none."""
    async with services.store.unit_of_work() as uow:
        await _answered(uow, row, StepAnswer(choice.value), services)
        if choice is KeepAskingChoice.NO:
            now = services.clock.now()
            await withdraw_in(uow, [row.contact_id], ConsentVia.KEEP_ASKING, now)
    return Reply("keep/continue" if choice is KeepAskingChoice.YES else "stop/done")
