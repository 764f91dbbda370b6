"""/chart [YYYY-MM] for supervisors: the 12-month trend and the department comparison."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.handlers.access import report_request
from bot.channels.telegram.handlers.replies import send_text, text_of
from bot.domain.channel_messages import Media, MediaKind, Outgoing
from bot.services.chart_points import department_points, trend_points


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
    services = context.services
    figures = (services.store, services.scheduling.surveys, services.settings.zone, period)
    minimum = services.settings.rank_min_answers
    trend = await trend_points(*figures, member.department_id, min_answers=minimum)
    compared = await department_points(*figures, member.department_id, min_answers=minimum)
    images = await asyncio.gather(
        asyncio.to_thread(trend_chart, trend, labels),
        asyncio.to_thread(department_chart, compared, labels),
    )
    name = member.department or text_of(context, "stats/whole_hospital")
    caption = text_of(context, "charts/caption", period=f"{period.first:%Y-%m}", department=name)
    album = tuple(Media(MediaKind.PHOTO, content=image) for image in images)
    await send_text(context, chat_id, Outgoing(caption, album=album))
