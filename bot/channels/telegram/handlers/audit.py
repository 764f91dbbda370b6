"""/audit [DAYS] [ACTOR]: the newest audit entries, for admins."""

from __future__ import annotations

from datetime import timedelta

from telegram import Update

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.handlers.access import member_allowed
from bot.channels.telegram.handlers.replies import send
from bot.domain.roles import Permission
from bot.storage.audit import AuditEntry

DEFAULT_DAYS = 7
MAX_DAYS = 366
SHOWN = 30


async def on_audit(update: Update, context: AppContext) -> None:
    """Show the newest entries of the last days (of one actor if given)."""
    if await member_allowed(update, context, Permission.VIEW_AUDIT) is None:
        return
    assert update.effective_chat is not None
    chat_id, words = update.effective_chat.id, list(context.args or [])
    days = _days(words[0]) if words else DEFAULT_DAYS
    if days is None or len(words) > 2:
        await send(context, chat_id, "audit/usage", max_days=MAX_DAYS)
        return
    services = context.services
    since = services.clock.now() - timedelta(days=days)
    actor = words[1] if len(words) > 1 else None
    entries = await services.store.audit.since(since, actor, limit=SHOWN)
    lines = [_line(entry, context) for entry in entries]
    await send(context, chat_id, "audit/list", days=days, lines=lines, shown=SHOWN)


def _days(word: str) -> int | None:
    return int(word) if word.isdecimal() and 1 <= int(word) <= MAX_DAYS else None


def _line(entry: AuditEntry, context: AppContext) -> dict[str, str]:
    at = entry.at.astimezone(context.services.settings.zone)
    return {
        "at": f"{at:%m-%d %H:%M}",
        "actor": f"{entry.actor_kind}:{entry.actor_id}",
        "action": entry.action,
        "subject": entry.subject or "",
        "detail": entry.detail or "",
    }
