"""/comment N text for supervisors: a leadership comment on a complaint or praise (领导意见)."""

from __future__ import annotations

from telegram import Update

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.handlers.access import member_allowed
from bot.channels.telegram.handlers.replies import send
from bot.domain.roles import Permission
from bot.services.case_comments import MAX_COMMENT, comment_on_case


async def on_comment(update: Update, context: AppContext) -> None:
    """Record the comment on case N, or say plainly why not."""
    member = await member_allowed(update, context, Permission.VIEW_STATS)
    if member is None:
        return
    assert update.effective_chat is not None and update.effective_message is not None
    chat_id = update.effective_chat.id
    words = (update.effective_message.text or "").split(maxsplit=2)
    number = words[1].lstrip("#") if len(words) > 1 else ""
    if not number.isdigit() or len(words) < 3:
        await send(context, chat_id, "staff/comment_usage")
        return
    refused = await comment_on_case(context.services, int(number), member, words[2])
    if refused is None:
        await send(context, chat_id, "staff/comment_recorded", number=int(number))
    else:
        template = f"staff/comment_{refused}"
        await send(context, chat_id, template, number=int(number), limit=MAX_COMMENT)
