"""/calls stats and /calls sample for supervisors: the month's call figures against the
targets, and the weekly quality sample with its verdict buttons and notes."""

from __future__ import annotations

from telegram import Update

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.handlers.access import member_allowed, report_request, report_scope
from bot.channels.telegram.handlers.replies import refuse_button, send, send_text, settle
from bot.domain.calls import ReviewVerdict
from bot.domain.channel_messages import Outgoing
from bot.domain.roles import Permission, is_allowed
from bot.services import call_reviews
from bot.services.call_stats import (
    MAX_SAMPLE,
    SKIP,
    call_figures,
    call_stats_text,
    draw_sample,
    parse_review,
    review_id,
    sampled_call,
)
from bot.storage.records import DialogState


async def on_call_stats(update: Update, context: AppContext) -> None:
    """Answer with the call figures of the period; a supervisor with a department sees it
    alone. The words after "stats" are the period (and, for the office, a department)."""
    request = await report_request(update, context)
    if request is None:
        return
    assert update.effective_chat is not None
    services, chat_id, period = context.services, update.effective_chat.id, request.period
    scope = await report_scope(update, context, request, "call_reports/stats_usage")
    if scope is None:
        return
    scope_id, scope_name = scope.department_id, scope.name
    figures = await call_figures(services.store, services.settings, period, scope_id)
    name = scope_name or services.renderer.render("stats/whole_hospital", services.locale)
    text = call_stats_text(services.renderer, services.locale, figures, period.label, name)
    await send_text(context, chat_id, Outgoing(text))


async def on_call_sample(update: Update, context: AppContext) -> None:
    """Draw N of the last week's calls in the supervisor's scope and show each with its
    verdict buttons. The words after "sample" are N."""
    member = await member_allowed(update, context, Permission.VIEW_STATS)
    if member is None:
        return
    assert update.effective_chat is not None
    services, chat_id = context.services, update.effective_chat.id
    words = list(context.args or [])
    if len(words) != 1 or not words[0].isdecimal() or not 1 <= int(words[0]) <= MAX_SAMPLE:
        await send(context, chat_id, "call_reports/sample_usage", limit=MAX_SAMPLE)
        return
    now = services.clock.now()
    drawn = await draw_sample(
        services.store, member.user_id, member.department_id, int(words[0]), now
    )
    await send(context, chat_id, "call_reports/sample_drawn", count=len(drawn), asked=int(words[0]))
    for call in drawn:
        message = sampled_call(services.renderer, services.locale, call, services.settings.zone)
        await send_text(context, chat_id, message)


async def on_call_review_button(update: Update, context: AppContext) -> None:
    """cq:<call>:<verdict> records the verdict and asks for a note; cq:<call>:skip leaves it
    without one. Only the supervisor who drew the call may judge it."""
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    services, user_id = context.services, update.effective_user.id
    parsed = parse_review(query.data or "")
    member = await services.store.staff.get(user_id)
    if parsed is None or member is None or not is_allowed(member.role, Permission.VIEW_STATS):
        await refuse_button(context, query)
        return
    attempt_id, choice = parsed
    if choice == SKIP:
        await call_reviews.skip_note(services.store, user_id)
        await settle(query)
        await send(context, user_id, "call_reports/review_done")
        return
    verdict = ReviewVerdict(choice)
    now = services.clock.now()
    if not await call_reviews.give_verdict(services.store, user_id, attempt_id, verdict, now):
        await refuse_button(context, query)
        return
    await settle(query)
    skip = [[("buttons/review_skip", review_id(attempt_id, SKIP))]]
    await send(context, user_id, "call_reports/review_judged", skip, verdict=verdict.value)


async def take_review_note(update: Update, context: AppContext, state: DialogState) -> None:
    """Keep a supervisor's typed note on the call they just judged."""
    assert update.effective_message is not None
    store = context.services.store
    kept = await call_reviews.take_note(store, state, update.effective_message.text or "")
    await send(
        context, state.chat_id, "call_reports/review_noted" if kept else "call_reports/review_gone"
    )
