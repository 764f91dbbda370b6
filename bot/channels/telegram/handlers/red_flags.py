"""Working a red flag in the staff group: its outcome, a note, and the phone on demand."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.handlers.case_staff import refusal_text
from bot.channels.telegram.handlers.replies import answer_message, text_of
from bot.domain.cases import CaseEventKind
from bot.domain.channel_messages import Outgoing
from bot.domain.red_flags import RedFlagAction, RedFlagOutcome
from bot.services import red_flags
from bot.services.cases import member_who_may_work
from bot.services.red_flags import PhoneLookup

OUTCOME_CODES = frozenset(outcome.value for outcome in RedFlagOutcome)
PHONE_TEXTS = {  # what a press on the phone button comes to -> what the presser sees
    PhoneLookup.SHOWN: "redflag/phone",
    PhoneLookup.NOT_ALLOWED: "redflag/phone_not_allowed",
    PhoneLookup.NONE_ON_FILE: "redflag/phone_none",
    PhoneLookup.GONE: "common/question_closed",
}


def _case_id(field: str) -> int | None:
    return int(field) if field.isdecimal() and len(field) < 19 else None


async def on_red_flag_button(update: Update, context: AppContext) -> None:
    """rf:phone:CASE answers the presser alone; rf:outcome:CASE:OUTCOME closes the red flag."""
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    services, user_id = context.services, update.effective_user.id
    parts = (query.data or "").split(":")
    case_id = _case_id(parts[2]) if len(parts) in (3, 4) else None
    if case_id is not None and parts[1] == RedFlagAction.PHONE and len(parts) == 3:
        answer = await red_flags.phone_for(services, case_id, user_id)
        text = text_of(context, PHONE_TEXTS[answer.lookup], phone=answer.phone, number=case_id)
        await query.answer(text, show_alert=True)  # seen by the presser only
        return
    case = await services.store.cases.get(case_id) if case_id is not None else None
    member = await member_who_may_work(services, user_id, case) if case is not None else None
    outcome = parts[3] if len(parts) == 4 and parts[1] == RedFlagAction.OUTCOME else ""
    if case is None or member is None or outcome not in OUTCOME_CODES:
        await query.answer(text_of(context, "staff/not_allowed_short"), show_alert=True)
        return
    refusal = await red_flags.record_outcome(services, case.id, member, RedFlagOutcome(outcome))
    if refusal is None:
        await query.answer()
    else:
        await query.answer(refusal_text(context, refusal, case.id), show_alert=True)


async def on_red_flag_note(update: Update, context: AppContext) -> None:
    """A staff reply to a red flag's outcome prompt is its note; other messages pass on."""
    message = update.effective_message
    if message is None or message.reply_to_message is None or update.effective_user is None:
        return
    services = context.services
    prompt = str(message.reply_to_message.message_id)
    case = await services.store.cases.by_prompt(CaseEventKind.RED_FLAG_NOTE_PROMPT, prompt)
    if case is None:
        return  # not a reply to a red flag's prompt: the case-thread handler decides
    member = await member_who_may_work(services, update.effective_user.id, case)
    if member is not None and message.text:
        refusal = await red_flags.record_note(services, case, member, message.text)
        if refusal is not None:
            refused = Outgoing(refusal_text(context, refusal, case.id))
            await answer_message(context, message, refused)
    raise ApplicationHandlerStop  # a note is never relayed to the patient
