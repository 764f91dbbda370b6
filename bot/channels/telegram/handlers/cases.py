"""Staff acknowledge red flags and other cases from the staff group."""

from __future__ import annotations

from telegram import Message, Update

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.handlers.case_staff import staff_member_for
from bot.channels.telegram.handlers.replies import answer_message, text_of
from bot.domain.roles import Permission, is_allowed
from bot.services.ports import Outgoing


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
        await staff_member_for(context, user_id, case)
        if case is not None
        else await services.store.staff.get(user_id)
    )
    if member is None or not is_allowed(member.role, Permission.WORK_CASES):
        await query.answer(text_of(context, "staff/not_allowed_short"), show_alert=True)
        return
    now = services.clock.now()
    if case is None or not await services.store.cases.acknowledge(case.id, member.user_id, now):
        await query.answer(text_of(context, "common/question_closed"))
        return
    await query.answer()
    if isinstance(query.message, Message):
        local = now.astimezone(services.settings.zone)
        note = text_of(
            context,
            "staff/case_acknowledged",
            who=member.name or str(member.user_id),
            at=f"{local:%m-%d %H:%M}",
        )
        await query.message.edit_reply_markup(reply_markup=None)
        await answer_message(context, query.message, Outgoing(note))
