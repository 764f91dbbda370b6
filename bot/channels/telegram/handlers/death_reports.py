"""Staff confirm a death a family member reported (the alert's one button)."""

from __future__ import annotations

from telegram import Message, Update

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.handlers.replies import answer_message, text_of
from bot.domain.channel_messages import Outgoing
from bot.domain.choices import decode_death_report
from bot.services.cases import member_name
from bot.services.triage_actions import Confirmation, confirm_reported_death

ANSWERS = {
    Confirmation.NOT_ALLOWED: "staff/not_allowed_short",
    Confirmation.GONE: "common/question_closed",
}


async def on_death_report(update: Update, context: AppContext) -> None:
    """Record the reported death for staff allowed to; say so under the alert."""
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    message_id = decode_death_report(query.data or "")
    if message_id is None:
        await query.answer(text_of(context, "common/question_closed"))
        return
    done = await confirm_reported_death(context.services, message_id, update.effective_user.id)
    if done in ANSWERS:
        await query.answer(text_of(context, ANSWERS[done]), show_alert=True)
        return
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
        member = await context.services.store.staff.get(update.effective_user.id)
        who = member_name(member) if member else update.effective_user.full_name
        note = text_of(context, "inbox/staff_death_confirmed", who=who, done=done.value)
        await answer_message(context, query.message, Outgoing(note))
