"""/chart [YYYY-MM] for supervisors: the 12-month trend and the department comparison."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from telegram import Update

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.handlers.access import report_request
from bot.channels.telegram.handlers.replies import send_text, text_of
from bot.domain.channel_messages import Media, MediaKind, Outgoing
from bot.domain.periods import Period, month_period
from bot.services.statistics import compute_stats

if TYPE_CHECKING:  # matplotlib loads at the first chart, not at every start of the bot
    from bot.services.charts import DepartmentPoint, MonthPoint

TREND_MONTHS = 12


async def on_chart(update: Update, context: AppContext) -> None:
    """Send the two charts of a month (this month by default), scoped to the supervisor."""
    request = await report_request(update, context, max_words=1)
    if request is None:
        return
    assert update.effective_chat is not None
    chat_id = update.effective_chat.id
    member, period = request.member, request.period
    from bot.services.charts import department_chart, parse_labels, trend_chart

    labels = parse_labels(text_of(context, "charts/labels"))
    trend = await _trend(context, period, member.department_id)
    compared = await _departments(context, period, member.department_id)
    images = await asyncio.gather(
        asyncio.to_thread(trend_chart, trend, labels),
        asyncio.to_thread(department_chart, compared, labels),
    )
    name = member.department or text_of(context, "stats/whole_hospital")
    caption = text_of(context, "charts/caption", period=f"{period.first:%Y-%m}", department=name)
    album = tuple(Media(MediaKind.PHOTO, content=image) for image in images)
    await send_text(context, chat_id, Outgoing(caption, album=album))


async def _trend(context: AppContext, period: Period, department: int | None) -> list[MonthPoint]:
    from bot.services.charts import MonthPoint

    services = context.services
    points = []
    year, month = period.first.year, period.first.month
    for back in range(TREND_MONTHS - 1, -1, -1):
        index = year * 12 + month - 1 - back
        name = f"{index // 12}-{index % 12 + 1:02d}"
        stats = await compute_stats(
            services.store,
            services.scheduling.surveys,
            services.settings.zone,
            month_period(name),
            department,
            min_answers=services.settings.rank_min_answers,
        )
        overall = stats.satisfaction.get("satisfaction_hospital")
        points.append(
            MonthPoint(name, stats.success_rate, overall.shares["satisfied"] if overall else None)
        )
    return points


async def _departments(
    context: AppContext, period: Period, only: int | None
) -> list[DepartmentPoint]:
    from bot.services.charts import department_points

    services = context.services
    stats = await compute_stats(
        services.store,
        services.scheduling.surveys,
        services.settings.zone,
        period,
        only,
        min_answers=services.settings.rank_min_answers,
    )
    return department_points(stats)
