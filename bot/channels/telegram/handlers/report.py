"""/report YYYY-MM for supervisors: the monthly Excel report as a document."""

from __future__ import annotations

from telegram import Update

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.handlers.access import report_request
from bot.channels.telegram.handlers.replies import send_text, text_of
from bot.domain.channel_messages import Media, MediaKind, Outgoing
from bot.services.call_stats import call_figures
from bot.storage.audit import Actor


async def on_report(update: Update, context: AppContext) -> None:
    """Send the report of a month (this month by default), scoped to the supervisor."""
    from bot.services.report import build_report  # openpyxl loads at the first report

    request = await report_request(update, context)
    if request is None:
        return
    assert update.effective_chat is not None
    services, chat_id = context.services, update.effective_chat.id
    member, period = request.member, request.period
    content = await build_report(
        services.store,
        services.scheduling.surveys,
        services.renderer,
        services.locale,
        services.settings.zone,
        period,
        member.department_id,
        min_answers=services.settings.rank_min_answers,
        hospital=services.settings.hospital_name or "",
        department_name=member.department or "",
        plans=services.scheduling.plans,
        calls=await call_figures(services.store, services.settings, period, member.department_id),
    )
    await services.store.audit.record(
        services.clock.now(), Actor.staff(member.user_id), "report.read", f"period:{period.label}"
    )
    department = member.department or text_of(context, "stats/whole_hospital")
    caption = text_of(context, "report/caption", period=period.label, department=department)
    workbook = Media(
        MediaKind.DOCUMENT, content=content, filename=f"followup-{period.first:%Y-%m}.xlsx"
    )
    await send_text(context, chat_id, Outgoing(caption, media=workbook))
