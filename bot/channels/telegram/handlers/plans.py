"""Admins look at plans and change a step in chat: /plans, /plan KEY, /planstep PLAN STEP f=v."""

from __future__ import annotations

import logging
from dataclasses import replace

from telegram import Update

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.handlers.access import member_allowed
from bot.channels.telegram.handlers.replies import send
from bot.domain.plans.errors import PlanError
from bot.domain.roles import Permission
from bot.services.plan_edits import apply_changes
from bot.services.planning import Scheduling, templates_exist
from bot.storage.plan_edits import PlanChange
from bot.storage.store import Store
from bot.templating import Renderer

log = logging.getLogger(__name__)


async def on_plans(update: Update, context: AppContext) -> None:
    """List the plans."""
    if await member_allowed(update, context, Permission.EDIT_TEMPLATES) is None:
        return
    assert update.effective_chat is not None
    locale = context.services.locale
    plans = [
        (p.key, p.names.get(locale, p.key), len(p.steps))
        for p in context.services.scheduling.plans.plans.values()
    ]
    await send(context, update.effective_chat.id, "plans_chat/list", plans=sorted(plans))


async def on_plan(update: Update, context: AppContext) -> None:
    """Show a plan's steps."""
    if await member_allowed(update, context, Permission.EDIT_TEMPLATES) is None:
        return
    assert update.effective_chat is not None
    key = (context.args or [""])[0]
    plan = context.services.scheduling.plans.plans.get(key)
    if plan is None:
        await send(context, update.effective_chat.id, "plans_chat/usage")
        return
    steps = [
        (s.key, s.kind.value, s.anchor.value, str(s.offset), s.template, s.enabled)
        for s in plan.steps
    ]
    await send(context, update.effective_chat.id, "plans_chat/steps", key=key, steps=steps)


async def on_plan_step(update: Update, context: AppContext) -> None:
    """Change one field of one step; pending steps are re-planned by the next dispatcher runs."""
    if await member_allowed(update, context, Permission.EDIT_TEMPLATES) is None:
        return
    assert update.effective_chat is not None and update.effective_user is not None
    args = context.args or []
    field, _, value = (args[2] if len(args) == 3 else "").partition("=")
    if not value:
        await send(context, update.effective_chat.id, "plans_chat/usage")
        return
    services = context.services
    change = PlanChange(args[0], args[1], field.strip(), value.strip())
    try:
        changed = apply_changes(services.scheduling, [change], templates_exist(services.renderer))
    except PlanError as error:
        await send(context, update.effective_chat.id, "plans_chat/invalid", detail=str(error))
        return
    await services.store.plan_edits.add(change, update.effective_user.id, services.clock.now())
    context.application.bot_data.services = replace(services, scheduling=changed)
    await send(
        context,
        update.effective_chat.id,
        "plans_chat/changed",
        plan=args[0],
        step=args[1],
        field=change.field,
        value=change.value,
    )


async def with_saved_changes(
    store: Store, scheduling: Scheduling, renderer: Renderer
) -> Scheduling:
    """Apply the changes saved in chat at start-up, skipping any the plan files no longer allow."""
    exists = templates_exist(renderer)
    for change in await store.plan_edits.all():
        try:
            scheduling = apply_changes(scheduling, [change], exists)
        except PlanError as error:
            log.warning("a saved plan change no longer applies and is skipped: %s", error)
    return scheduling
