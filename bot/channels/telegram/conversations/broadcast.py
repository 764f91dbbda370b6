"""/broadcast TEMPLATE [filters]: how many it reaches and a preview, then confirm (admins)."""

from __future__ import annotations

from dataclasses import asdict, replace

from telegram import Update

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.handlers.replies import (
    choices_of,
    refuse_button,
    send,
    send_text,
    settle,
)
from bot.domain.channel_messages import Outgoing
from bot.domain.choices import ConfirmChoice, decode_broadcast, encode_broadcast
from bot.domain.dialogs import DialogKind, DialogStep
from bot.domain.roles import Permission, is_allowed
from bot.domain.template_check import variables_of
from bot.services.broadcasts import (
    BROADCAST_VARIABLES,
    Cohort,
    cohort_contacts,
    enqueue_broadcast,
    parse_cohort,
)

DIALOG_KIND = DialogKind.BROADCAST
CONFIRM = [
    [
        ("buttons/submit", encode_broadcast(ConfirmChoice.OK)),
        ("buttons/cancel", encode_broadcast(ConfirmChoice.NO)),
    ]
]


async def on_broadcast(update: Update, context: AppContext) -> None:
    """Show the cohort's size and a preview of the message, with Confirm / Cancel."""
    assert update.effective_chat is not None and update.effective_user is not None
    services, chat_id = context.services, update.effective_chat.id
    member = await services.store.staff.get(update.effective_user.id)
    if member is None or not is_allowed(member.role, Permission.EDIT_TEMPLATES):
        await send(context, chat_id, "templates/not_allowed")
        return
    args = list(context.args or [])
    try:
        template, cohort = (args[0] if args else ""), parse_cohort(args[1:])
    except ValueError as error:
        await send(context, chat_id, "broadcast/usage", error=str(error))
        return
    if not _broadcastable(context, template):
        await send(context, chat_id, "broadcast/usage", error=template)
        return
    if member.department is not None:  # an admin of a department reaches its patients only
        if cohort.department not in (None, member.department):
            await send(context, chat_id, "broadcast/own_department", department=member.department)
            return
        cohort = replace(cohort, department=member.department)
    recipients = await cohort_contacts(services.store, cohort, services.settings.zone)
    data: dict[str, object] = {"template": template, **_cohort_data(cohort)}
    await services.store.dialogs.save(
        chat_id, DIALOG_KIND, DialogStep.CONFIRM, data, services.clock.now()
    )
    await send(context, chat_id, "broadcast/confirm", count=len(recipients), template=template)
    hospital = services.settings.require_hospital_name()
    sample = {**_sample(context), **services.samples.get(template, {}), "hospital": hospital}
    text = services.renderer.render(template, services.locale, **sample)
    await send_text(context, chat_id, Outgoing(text, choices_of(context, CONFIRM)))


def _broadcastable(context: AppContext, template: str) -> bool:
    renderer, locale = context.services.renderer, context.services.locale
    if template not in renderer.keys(locale):
        return False
    used = variables_of(renderer.environment(locale), renderer.shipped_source(template, locale))
    return used <= BROADCAST_VARIABLES


def _sample(context: AppContext) -> dict[str, object]:
    return {
        "hospital": context.services.settings.require_hospital_name(),
        "department": "",
        "patient_name": "",
    }


def _cohort_data(cohort: Cohort) -> dict[str, object]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in asdict(cohort).items()}


async def on_broadcast_button(update: Update, context: AppContext) -> None:
    """Hand the broadcast to the dispatcher, or cancel it."""
    query = update.callback_query
    assert query is not None and update.effective_chat is not None and update.effective_user
    services = context.services
    state = await services.store.dialogs.get(update.effective_chat.id)
    member = await services.store.staff.get(update.effective_user.id)
    if (
        member is None
        or not is_allowed(member.role, Permission.EDIT_TEMPLATES)
        or (state is None or state.kind != DIALOG_KIND)
    ):
        await refuse_button(context, query)
        return
    await settle(query)
    await services.store.dialogs.clear(state.chat_id)
    if decode_broadcast(query.data or "") is not ConfirmChoice.OK:
        await send(context, state.chat_id, "broadcast/cancelled")
        return
    words = [
        f"{k}={v}"
        for k, v in (
            ("department", state.data.get("department")),
            ("diagnosis", state.data.get("diagnosis")),
            ("from", state.data.get("discharged_from")),
            ("to", state.data.get("discharged_to")),
        )
        if v
    ]
    recipients = await cohort_contacts(services.store, parse_cohort(words), services.settings.zone)
    count = await enqueue_broadcast(
        services.store,
        services.scheduling,
        recipients,
        str(state.data["template"]),
        services.clock.now(),
    )
    await send(context, state.chat_id, "broadcast/queued", count=count)
