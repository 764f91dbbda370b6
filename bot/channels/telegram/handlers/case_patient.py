"""The patient's side of a case: replies go to the case thread, and one question at the end."""

from __future__ import annotations

from telegram import Update

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.handlers.replies import refuse_button, send, settle
from bot.services.case_cards import post_in_case
from bot.storage.cases import Case

RELAYED_KINDS = ("complaint", "question")


async def open_case_of_chat(context: AppContext, chat_id: int) -> Case | None:
    """Return the newest unclosed complaint or question raised from this chat."""
    contact_ids = [c.id for c in await context.services.store.contacts.for_chat(chat_id)]
    if not contact_ids:
        return None
    found = await context.services.store.cases.open_posted_for_contacts(contact_ids, RELAYED_KINDS)
    return found[-1] if found else None


async def relay_to_staff(context: AppContext, case: Case, chat_id: int, text: str) -> None:
    """Post the patient's message into the case thread and tell the patient it went."""
    await post_in_case(context, case, "staff/case_patient_reply", text=text[:3000])
    await context.services.store.cases.change(
        case.id, context.services.clock.now(), None, "patient_reply", text[:3000]
    )
    await send(context, chat_id, "case/patient_reply_sent", number=case.id)


async def on_handling_answer(update: Update, context: AppContext) -> None:
    """Record whether the patient is satisfied with how the case was handled (once)."""
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    parts = (query.data or "").split(":")
    case = None
    if (
        len(parts) == 3
        and parts[1].isdecimal()
        and len(parts[1]) < 19
        and parts[2] in ("yes", "no")
    ):
        case = await context.services.store.cases.get(int(parts[1]))
    contact = (
        await context.services.store.contacts.get(case.contact_id)
        if (case and case.contact_id)
        else None
    )
    if case is None or contact is None or contact.chat_id != update.effective_chat.id:
        await refuse_button(context, query)
        return
    satisfied = parts[2] == "yes"
    now = context.services.clock.now()
    if not await context.services.store.cases.rate_handling(case.id, now, satisfied):
        await refuse_button(context, query)
        return
    await settle(query)
    await send(context, contact.chat_id, "case/handling_thanks", satisfied=satisfied)
    await post_in_case(context, case, "staff/case_handling_feedback", satisfied=satisfied)
