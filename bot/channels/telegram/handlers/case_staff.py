"""Working a case from the staff group: take, reply (relayed to the patient), close, reopen."""

from __future__ import annotations

from telegram import Update

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.handlers.replies import text_of
from bot.domain.cases import Outcome, Refusal
from bot.services import cases as case_work
from bot.services.case_replies import on_staff_message

ACTIONS = ("take", "reply", "close", "reopen", "outcome")
OUTCOME_CODES = frozenset(outcome.value for outcome in Outcome)
REFUSALS = {  # why a press was refused -> what the presser is told
    Refusal.CLOSED: "staff/case_refused_closed",
    Refusal.NOT_CLOSED: "staff/case_refused_not_closed",
    Refusal.BUSY: "staff/case_refused_busy",
}


def refusal_text(context: AppContext, refusal: Refusal, number: int) -> str:
    """Say to a staff member why their press changed nothing."""
    return text_of(context, REFUSALS.get(refusal, "common/question_closed"), number=number)


async def on_case_staff_button(update: Update, context: AppContext) -> None:
    """Check the role on every press, then take, prompt a reply, close or reopen."""
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    services = context.services
    parts = (query.data or "").split(":")
    case = None
    if len(parts) in (3, 4) and parts[1] in ACTIONS and parts[2].isdecimal() and len(parts[2]) < 19:
        case = await services.store.cases.get(int(parts[2]))
    member = (
        await case_work.member_who_may_work(services, update.effective_user.id, case)
        if case
        else None
    )
    if case is None or member is None:
        await query.answer(text_of(context, "staff/not_allowed_short"), show_alert=True)
        return
    action = parts[1]
    refusal: Refusal | None = None
    if action == "take" and len(parts) == 3:
        refusal = await case_work.take(services, case.id, member)
    elif action == "reply" and len(parts) == 3:
        refusal = await case_work.prompt_reply(services, case, member)
    elif action == "close" and len(parts) == 3:
        refusal = await case_work.ask_outcome(services, case)
    elif action == "reopen" and len(parts) == 3:
        refusal = await case_work.reopen(services, case.id, member)
    elif action == "outcome" and len(parts) == 4 and parts[3] in OUTCOME_CODES:
        refusal = await case_work.choose_outcome(services, case.id, member, Outcome(parts[3]))
    if refusal is None:
        await query.answer()
    else:
        await query.answer(refusal_text(context, refusal, case.id), show_alert=True)


async def on_staff_group_text(update: Update, context: AppContext) -> None:
    """Relay a staff member's message in a case thread to the patient (or take the summary)."""
    message = update.effective_message
    assert message is not None and update.effective_user is not None
    services = context.services
    reply_to = message.reply_to_message.message_id if message.reply_to_message else None
    thread = message.message_thread_id if message.is_topic_message else None
    case = await services.store.cases.in_thread(message.chat_id, thread, reply_to)
    member = (
        await case_work.member_who_may_work(services, update.effective_user.id, case)
        if case
        else None
    )
    if case is None or member is None or not message.text:
        return  # messages from others, or outside case threads, are not ours to act on
    await on_staff_message(services, case, member, message.text)
