"""/deceased HOSPITAL_NO and /dispute HOSPITAL_NO [on|off]: staff record a fact, confirmed."""

from __future__ import annotations

from telegram import Update

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.handlers.access import member_allowed, patient_in_scope
from bot.channels.telegram.handlers.replies import Button, refuse_button, send, settle
from bot.domain.choices import ConfirmChoice, encode_fact
from bot.domain.dialogs import DialogKind, DialogStep
from bot.domain.patient_facts import FactChange, FactEffect, PatientFact, effect_of
from bot.domain.roles import Permission, is_allowed
from bot.services.alerts import patient_variables
from bot.services.patient_facts import death, dispute, record_patient_fact
from bot.storage.audit import Actor
from bot.storage.records import StaffMember

DIALOG_KIND = DialogKind.PATIENT_FACT
CHAT_SOURCE = "chat"
SWITCHES = {"on": True, "off": False}


def _buttons(patient_id: int, change: FactChange) -> list[list[Button]]:
    fact, active = change.fact.value, change.active
    return [
        [
            ("buttons/fact_confirm", encode_fact(ConfirmChoice.OK, patient_id, fact, active)),
            ("buttons/cancel", encode_fact(ConfirmChoice.NO, patient_id, fact, active)),
        ]
    ]


def _change(command: str, args: list[str]) -> FactChange | None:
    """Read the command's words after the hospital number; None when they make no sense."""
    if command == PatientFact.DECEASED.value:
        return death(None, CHAT_SOURCE) if not args else None
    if len(args) > 1 or (args and args[0].lower() not in SWITCHES):
        return None
    return dispute(SWITCHES[args[0].lower()] if args else True, None, CHAT_SOURCE)


async def _member(update: Update, context: AppContext) -> StaffMember | None:
    assert update.effective_user is not None
    member = await context.services.store.staff.get(update.effective_user.id)
    if member is None or not is_allowed(member.role, Permission.RECORD_PATIENT_FACTS):
        return None
    return member


async def on_deceased(update: Update, context: AppContext) -> None:
    """Ask to confirm that a patient has died."""
    await _ask(update, context, PatientFact.DECEASED.value)


async def on_dispute(update: Update, context: AppContext) -> None:
    """Ask to confirm that a patient's dispute is open (on) or settled (off)."""
    await _ask(update, context, PatientFact.DISPUTE.value)


async def _ask(update: Update, context: AppContext, command: str) -> None:
    assert update.effective_chat is not None
    chat_id, services = update.effective_chat.id, context.services
    member = await member_allowed(update, context, Permission.RECORD_PATIENT_FACTS)
    if member is None:
        return
    args = list(context.args or [])
    change = _change(command, args[1:]) if args else None
    if change is None:
        await send(context, chat_id, "facts/usage", command=command)
        return
    episode = await patient_in_scope(
        context, chat_id, member, Permission.RECORD_PATIENT_FACTS, args[0]
    )
    if episode is None:
        return
    shown: dict[str, object] = {
        "fact": change.fact.value,
        "active": change.active,
        "hospital_no": args[0],
    }
    state = await services.store.facts.state(episode.patient_id)
    if state is not None and effect_of(state, change) is FactEffect.UNCHANGED:
        await send(context, chat_id, "facts/done", effect=FactEffect.UNCHANGED.value, **shown)
        return
    data: dict[str, object] = {**shown, "patient_id": episode.patient_id}
    await services.store.dialogs.save(
        chat_id, DIALOG_KIND, DialogStep.CONFIRM, data, services.clock.now()
    )
    variables = {**patient_variables(services.settings, episode), **shown}
    await send(context, chat_id, "facts/confirm", _buttons(episode.patient_id, change), **variables)


async def on_fact_button(update: Update, context: AppContext) -> None:
    """Record the confirmed fact, or cancel; a stale or forged button changes nothing."""
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    services, chat_id = context.services, update.effective_chat.id
    state = await services.store.dialogs.get(chat_id)
    member = await _member(update, context)
    change = _pending_change(state.data) if state and state.kind == DIALOG_KIND else None
    expected = _buttons(int(str(state.data["patient_id"])), change) if state and change else []
    if member is None or not expected or query.data not in {data for _, data in expected[0]}:
        await refuse_button(context, query)
        return
    assert state is not None and change is not None
    await settle(query)
    await services.store.dialogs.clear(chat_id)
    if query.data == expected[0][1][1]:
        await send(context, chat_id, "facts/cancelled")
        return
    patient_id, now = int(str(state.data["patient_id"])), services.clock.now()
    outcome = await record_patient_fact(
        services.store, services.scheduling, patient_id, change, Actor.staff(member.user_id), now
    )
    await send(
        context,
        chat_id,
        "facts/done",
        fact=change.fact.value,
        active=change.active,
        hospital_no=str(state.data["hospital_no"]),
        effect=outcome.effect.value,
        cancelled=outcome.cancelled,
        surveys=outcome.surveys_closed,
    )


def _pending_change(data: dict[str, object]) -> FactChange | None:
    """Rebuild the change a dialog waits to confirm."""
    if data.get("fact") == PatientFact.DECEASED.value:
        return death(None, CHAT_SOURCE)
    if data.get("fact") == PatientFact.DISPUTE.value:
        return dispute(bool(data.get("active")), None, CHAT_SOURCE)
    return None
