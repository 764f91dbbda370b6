"""Staff acknowledge red flags and other cases from the staff group."""

from __future__ import annotations

from telegram import Update

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.handlers.replies import text_of
from bot.domain.roles import Permission, is_allowed
from bot.services.cases import acknowledge, member_who_may_work


async def on_case_ack(update: Update, context: AppContext) -> None:
    """Record who acknowledged a case, for staff of its department; others are refused politely."""
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    services, user_id = context.services, update.effective_user.id
    parts = (query.data or "").split(":")
    case = None
    if len(parts) == 2 and parts[1].isdecimal() and len(parts[1]) <= 18:
        case = await services.store.cases.get(int(parts[1]))
    member = (  # within their department, like every other press on a case
        await member_who_may_work(services, user_id, case)
        if case is not None
        else await services.store.staff.get(user_id)
    )
    if member is None or not is_allowed(member.role, Permission.WORK_CASES):
        await query.answer(text_of(context, "staff/not_allowed_short"), show_alert=True)
        return
    if case is None or await acknowledge(services, case.id, member) is not None:
        await query.answer(text_of(context, "common/question_closed"))
        return
    await query.answer()  # the alert now offers the outcomes (bot.services.cases.acknowledge)
