"""/stopmed HOSPITAL_NO [N]: staff list a patient's discharge medicines or stop one's reminders."""

from __future__ import annotations

from telegram import Update

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.handlers.access import member_allowed, patient_in_scope
from bot.channels.telegram.handlers.replies import send
from bot.domain.roles import Permission
from bot.services.alerts import patient_variables
from bot.services.medicines import medicines_of, stop_medicine
from bot.storage.audit import Actor
from bot.storage.medicines import StopSource


async def on_stop_medicine(update: Update, context: AppContext) -> None:
    """List the medicines of the patient's latest stay, or stop reminders of number N."""
    assert update.effective_chat is not None and update.effective_user is not None
    chat_id = update.effective_chat.id
    services = context.services
    member = await member_allowed(update, context, Permission.WORK_CASES)
    if member is None:
        return
    args = context.args or []
    if len(args) not in (1, 2) or (len(args) == 2 and not args[1].isdecimal()):
        await send(context, chat_id, "medication/stop_usage")
        return
    episode = await patient_in_scope(context, chat_id, member, Permission.WORK_CASES, args[0])
    if episode is None:
        return
    medicines = await medicines_of(services.store, episode)
    shown = patient_variables(services.settings, episode)
    if len(args) == 1 or not 1 <= int(args[1]) <= len(medicines):
        template = "medication/stop_list" if len(args) == 1 else "medication/stop_no_such"
        await send(context, chat_id, template, medicines=medicines, **shown)
        return
    medicine = medicines[int(args[1]) - 1]
    actor = Actor.staff(member.user_id)
    now = services.clock.now()
    stopped = await stop_medicine(
        services.store, episode.id, medicine.number - 1, StopSource.STAFF, actor, now
    )
    template = "medication/stop_done" if stopped else "medication/stop_already"
    await send(context, chat_id, template, drug=medicine.entry.drug, **shown)
