"""Answers to sent messages: check-ins, medicines, re-examinations, keep-receiving."""

from __future__ import annotations

from telegram import Update

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.conversations.reexam_date import ask_visit_date
from bot.channels.telegram.handlers.replies import refuse_button, send, settle
from bot.domain.choices import (
    AnswerButton,
    KeepAskingChoice,
    MedicationChoice,
    ReexamChoice,
    StillTakingChoice,
    decode_answer,
)
from bot.services.alerts import alert_staff
from bot.services.step_replies import (
    Reply,
    answer_keep_asking,
    answer_medication,
    answer_reexam,
    answer_still_taking,
    answerable_row,
)
from bot.storage.outbox_records import OutboxRow


async def on_answer_button(update: Update, context: AppContext) -> None:
    """Check a pressed answer button against its row, then record the answer."""
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    button = decode_answer(query.data or "")
    chat_id = update.effective_chat.id
    row = None if button is None else await answerable_row(context.services, button, chat_id)
    if button is None or row is None:
        await refuse_button(context, query)
        return
    await settle(query)
    reply = await _answer(context, row, button)
    if reply is not None:
        await send(context, row.chat_id, reply.template, **reply.variables)


async def _answer(context: AppContext, row: OutboxRow, button: AnswerButton) -> Reply | None:
    """Record the answer; return what to tell the patient (None: already asked on)."""
    services, choice = context.services, button.choice
    if isinstance(choice, MedicationChoice):
        return await answer_medication(services, row, choice)
    if isinstance(choice, StillTakingChoice):
        reply = await answer_still_taking(services, row, choice)
        if choice is StillTakingChoice.STOPPED:
            await send(context, row.chat_id, reply.template, **reply.variables)
            await alert_staff(services, "staff/medicine_stopped", row)
            return None
        return reply
    if isinstance(choice, ReexamChoice):
        reply_or_none = await answer_reexam(services, row, choice)
        if reply_or_none is None:
            await ask_visit_date(context, row)
        return reply_or_none
    assert isinstance(choice, KeepAskingChoice)
    return await answer_keep_asking(services, row, choice)
