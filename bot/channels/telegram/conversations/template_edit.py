"""Admins edit message templates in chat: see, edit with a checked preview, history, rollback."""

from __future__ import annotations

from collections import Counter
from html import escape

from telegram import Update

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.handlers.access import member_allowed
from bot.channels.telegram.handlers.replies import (
    choices_of,
    refuse_button,
    send,
    send_text,
    settle,
    text_of,
)
from bot.domain.channel_messages import Outgoing
from bot.domain.choices import TemplateEditChoice, decode_template_edit, encode_template_edit
from bot.domain.dialogs import DialogKind, DialogStep
from bot.domain.roles import Permission, is_allowed
from bot.services.template_edits import chat_editable, preview, rollback, save_edit, validate
from bot.storage.records import DialogState
from bot.templating import LOCALES

DIALOG_KIND = DialogKind.TEMPLATE
EDIT_BUTTONS = [
    [
        ("buttons/template_save", encode_template_edit(TemplateEditChoice.SAVE)),
        ("buttons/template_cancel", encode_template_edit(TemplateEditChoice.CANCEL)),
    ]
]


def _known(context: AppContext, key: str) -> bool:
    return key in chat_editable(context.services.renderer, context.services.locale)


async def on_templates(update: Update, context: AppContext) -> None:
    """List template areas, or the keys of one area."""
    if await member_allowed(update, context, Permission.EDIT_TEMPLATES) is None:
        return
    assert update.effective_chat is not None
    keys = chat_editable(context.services.renderer, context.services.locale)
    if context.args:
        area = context.args[0]
        listed = [k for k in keys if k.split("/")[0] == area]
        await send(context, update.effective_chat.id, "templates/keys", area=area, keys=listed)
        return
    areas = sorted(Counter(k.split("/")[0] for k in keys).items())
    await send(context, update.effective_chat.id, "templates/areas", areas=areas)


async def on_template(update: Update, context: AppContext) -> None:
    """Show a template's current text in every locale."""
    if await member_allowed(update, context, Permission.EDIT_TEMPLATES) is None:
        return
    assert update.effective_chat is not None
    key = (context.args or [""])[0]
    if not _known(context, key):
        await send(context, update.effective_chat.id, "templates/unknown_key", key=key)
        return
    store = context.services.store
    current = await store.templates.current()
    items = [
        (
            locale,
            current.get((locale, key)) or context.services.renderer.shipped_source(key, locale),
            (locale, key) in current,
        )
        for locale in LOCALES
    ]
    await send(context, update.effective_chat.id, "templates/show", key=key, items=items)


async def on_edit(update: Update, context: AppContext) -> None:
    """Start editing KEY in LOCALE: the next message is the new text."""
    if await member_allowed(update, context, Permission.EDIT_TEMPLATES) is None:
        return
    assert update.effective_chat is not None
    args = context.args or []
    if len(args) != 2 or args[1] not in LOCALES or not _known(context, args[0]):
        await send(context, update.effective_chat.id, "templates/usage")
        return
    data: dict[str, object] = {"key": args[0], "locale": args[1]}
    now = context.services.clock.now()
    await context.services.store.dialogs.save(
        update.effective_chat.id, DIALOG_KIND, DialogStep.TEXT, data, now
    )
    await send(context, update.effective_chat.id, "templates/send_new", key=args[0], locale=args[1])


async def take_template_text(update: Update, context: AppContext, state: DialogState) -> None:
    """Check the new text; show the problems, or a preview with Save / Cancel."""
    message = update.effective_message
    assert message is not None
    services = context.services
    key, locale, source = str(state.data["key"]), str(state.data["locale"]), message.text or ""
    problems = validate(services.renderer, services.samples, key, locale, source)
    if problems:
        lines = [
            text_of(context, "templates/problem", code=p.code, detail=p.detail, line=p.line or 0)
            for p in problems
        ]
        await send(context, state.chat_id, "templates/problems", problems=lines)
        return
    now = services.clock.now()
    await services.store.dialogs.save(
        state.chat_id, DIALOG_KIND, DialogStep.CONFIRM, {**state.data, "source": source}, now
    )
    await send(context, state.chat_id, "templates/preview_intro", key=key, locale=locale)
    hospital = services.settings.require_hospital_name()
    shown = preview(services.renderer, services.samples, key, locale, source, hospital)
    if not services.renderer.is_html(key, locale):
        shown = escape(shown)
    await send_text(context, state.chat_id, Outgoing(shown, choices_of(context, EDIT_BUTTONS)))


async def on_template_button(update: Update, context: AppContext) -> None:
    """Save or cancel the previewed edit."""
    query = update.callback_query
    assert query is not None and update.effective_chat is not None and update.effective_user
    state = await context.services.store.dialogs.get(update.effective_chat.id)
    member = await context.services.store.staff.get(update.effective_user.id)
    allowed = member is not None and is_allowed(member.role, Permission.EDIT_TEMPLATES)
    if (
        not allowed
        or state is None
        or state.kind != DIALOG_KIND
        or state.step != DialogStep.CONFIRM
    ):
        await refuse_button(context, query)
        return
    await settle(query)
    services = context.services
    await services.store.dialogs.clear(state.chat_id)
    key, locale = str(state.data["key"]), str(state.data["locale"])
    if decode_template_edit(query.data or "") is not TemplateEditChoice.SAVE:
        await send(context, state.chat_id, "templates/cancelled")
        return
    version = await save_edit(
        services.store,
        services.renderer,
        key,
        locale,
        str(state.data["source"]),
        update.effective_user.id,
        services.clock.now(),
    )
    await send(context, state.chat_id, "templates/saved", key=key, locale=locale, version=version)


async def on_history(update: Update, context: AppContext) -> None:
    """List the saved versions of a template."""
    if await member_allowed(update, context, Permission.EDIT_TEMPLATES) is None:
        return
    assert update.effective_chat is not None
    key = (context.args or [""])[0]
    versions = await context.services.store.templates.history(key)
    zone = context.services.settings.zone
    rows = [
        (v.version, v.locale, v.author_id, f"{v.created_at.astimezone(zone):%Y-%m-%d %H:%M}")
        for v in versions
    ]
    await send(context, update.effective_chat.id, "templates/history", key=key, versions=rows)


async def on_rollback(update: Update, context: AppContext) -> None:
    """Make an earlier version of a template current again."""
    if await member_allowed(update, context, Permission.EDIT_TEMPLATES) is None:
        return
    assert update.effective_chat is not None and update.effective_user is not None
    args = context.args or []
    restored = None
    if len(args) == 2 and args[1].isdecimal():
        services = context.services
        restored = await rollback(
            services.store,
            services.renderer,
            args[0],
            int(args[1]),
            update.effective_user.id,
            services.clock.now(),
        )
    if restored is None:
        await send(context, update.effective_chat.id, "templates/usage")
        return
    await send(
        context,
        update.effective_chat.id,
        "templates/rolled_back",
        key=args[0],
        version=args[1],
        locale=restored[0],
        new=restored[1],
    )
