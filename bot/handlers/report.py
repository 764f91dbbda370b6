"""/report YYYY-MM for supervisors: the monthly Excel report as a document."""

from __future__ import annotations

from telegram import Update

from bot.context import AppContext
from bot.domain.periods import period_from_words
from bot.domain.roles import Permission, is_allowed
from bot.handlers.replies import send, text_of
from bot.services.report import build_report


async def on_report(update: Update, context: AppContext) -> None:
    """Send the report of a month (this month by default), scoped to the supervisor."""
    assert update.effective_chat is not None and update.effective_user is not None
    services = context.services
    chat_id = update.effective_chat.id
    member = await services.store.staff.get(update.effective_user.id)
    if member is None or not is_allowed(member.role, Permission.VIEW_STATS):
        await send(context, chat_id, "stats/not_allowed")
        return
    today = services.clock.now().astimezone(services.settings.zone).date()
    try:
        period, _rest = period_from_words(list(context.args or []), today)
    except ValueError as error:
        await send(context, chat_id, "stats/usage", error=str(error))
        return
    content = await build_report(
        services.store,
        services.scheduling.surveys,
        services.renderer,
        services.locale,
        services.settings.zone,
        period,
        member.department_id,
    )
    department = member.department or text_of(context, "stats/whole_hospital")
    caption = text_of(context, "report/caption", period=period.label, department=department)
    await context.bot.send_document(
        chat_id,
        content,
        filename=f"followup-{period.first:%Y-%m}.xlsx",
        caption=caption,
        parse_mode="HTML",
    )
