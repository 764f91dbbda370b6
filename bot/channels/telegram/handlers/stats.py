"""/stats for supervisors: the month's (or a range's) figures, scoped to their department."""

from __future__ import annotations

from telegram import Update

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.handlers.access import report_request, report_scope
from bot.channels.telegram.handlers.replies import send_text
from bot.channels.telegram.handlers.stats_drill import drill_buttons
from bot.domain.channel_messages import Outgoing
from bot.services.call_stats import stats_with_coverage
from bot.services.statistics import Summary, summary_text


async def on_stats(update: Update, context: AppContext) -> None:
    """Answer with the statistics; a supervisor with a department sees that department only."""
    request = await report_request(update, context)
    if request is None:
        return
    assert update.effective_chat is not None
    services, chat_id, period = context.services, update.effective_chat.id, request.period
    scope = await report_scope(update, context, request, "stats/usage")
    if scope is None:
        return
    scope_id, scope_name = scope.department_id, scope.name
    stats, coverage = await stats_with_coverage(
        services.store, services.scheduling.surveys, services.settings, period, scope_id
    )
    name = scope_name or services.renderer.render("stats/whole_hospital", services.locale)
    about = Summary(
        period.label, name, services.scheduling.plans, services.settings.rank_min_answers
    )
    text = summary_text(services.renderer, services.locale, stats, about, coverage)
    await send_text(context, chat_id, Outgoing(text, drill_buttons(context, period)))
