"""/calls in a staff member's private chat: the next call, its outcome buttons; and the
supervisors' /calls stats and /calls sample.

`/calls <word>` goes through WORDS (word → handler) for those who take calls, and through
REPORTS for supervisors (each checks its own role).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.handlers.access import member_allowed
from bot.channels.telegram.handlers.call_reports import on_call_sample, on_call_stats
from bot.channels.telegram.handlers.replies import refuse_button, send, send_text, settle
from bot.domain.roles import Permission, is_allowed
from bot.domain.worklist.choices import decode_call
from bot.services.calls import call_back_at, next_call, on_pick
from bot.storage.records import StaffMember

WordHandler = Callable[[Update, AppContext, StaffMember, list[str]], Awaitable[None]]


async def _next(update: Update, context: AppContext, member: StaffMember, _: list[str]) -> None:
    """Show the member's next call."""
    assert update.effective_chat is not None
    await send_text(context, update.effective_chat.id, await next_call(context.services, member))


async def _later(update: Update, context: AppContext, member: StaffMember, args: list[str]) -> None:
    """Call the patient of the member's call back at a typed time (/calls later 16:30)."""
    assert update.effective_chat is not None
    reply = await call_back_at(context.services, member, " ".join(args))
    if reply is not None:
        await send_text(context, update.effective_chat.id, reply)


# `/calls` alone is "next"; e.g. "stats": on_calls_stats, "sample": on_calls_sample.
WORDS: dict[str, WordHandler] = {"next": _next, "later": _later}
REPORTS: dict[str, Callable[[Update, AppContext], Awaitable[None]]] = {
    "stats": on_call_stats,
    "sample": on_call_sample,
}


async def on_calls(update: Update, context: AppContext) -> None:
    """Route /calls [word ...]: the supervisors' reports, else the worklist for staff and
    doctors; others get the polite refusal."""
    assert update.effective_chat is not None
    words = list(context.args or [])
    report = REPORTS.get(words[0].lower()) if words else None
    if report is not None:
        context.args = words[1:]  # the report reads the words after its own
        await report(update, context)
        return
    member = await member_allowed(update, context, Permission.WORK_CALLS)
    if member is None:
        return
    args = list(context.args or [])
    handler = WORDS.get(args[0].lower() if args else "next")
    if handler is None:
        await send(context, update.effective_chat.id, "calls/usage")
        return
    await handler(update, context, member, args[1:])


async def on_call_button(update: Update, context: AppContext) -> None:
    """Act on a worklist button; a forged one, or one of someone not allowed, is refused."""
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    pick = decode_call(query.data or "")
    assert update.effective_user is not None
    member = await context.services.store.staff.get(update.effective_user.id)
    if pick is None or member is None or not is_allowed(member.role, Permission.WORK_CALLS):
        await refuse_button(context, query)
        return
    await settle(query)
    reply = await on_pick(context.services, member, pick)
    if reply is not None:  # a reached call: the relay speaks from here on
        await send_text(context, update.effective_chat.id, reply)
