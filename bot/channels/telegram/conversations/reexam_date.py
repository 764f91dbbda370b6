"""Asking a patient who needs another re-examination date which day instead."""

from __future__ import annotations

from datetime import date

from telegram import Update

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.handlers.replies import Button, refuse_button, send, settle
from bot.domain.choices import ASK_STAFF, decode_visit_date, encode_visit_date
from bot.domain.dialogs import DialogKind, DialogStep
from bot.domain.visits import VisitChoice, choice_date, read_visit_date
from bot.services.step_replies import choose_visit_date
from bot.storage.audit import Actor
from bot.storage.outbox_records import OutboxRow
from bot.storage.records import DialogState

DIALOG_KIND = DialogKind.REEXAM_DATE
BUTTONS: list[list[Button]] = [
    [
        ("buttons/reexam_in_1w", encode_visit_date(VisitChoice.IN_1W)),
        ("buttons/reexam_in_2w", encode_visit_date(VisitChoice.IN_2W)),
    ],
    [("buttons/reexam_in_1mo", encode_visit_date(VisitChoice.IN_1MO))],
    [("buttons/reexam_ask_staff", encode_visit_date(ASK_STAFF))],
]


def _today(context: AppContext) -> date:
    services = context.services
    return services.clock.now().astimezone(services.scheduling.zone).date()


async def ask_visit_date(context: AppContext, row: OutboxRow) -> None:
    """Ask which day instead (kept in the database, so a restart continues the question)."""
    services = context.services
    data: dict[str, object] = {
        "episode": row.episode_id,
        "contact": row.contact_id,
        "old": str(row.payload.get("revisit_date", "")),
    }
    await services.store.dialogs.save(
        row.chat_id, DIALOG_KIND, DialogStep.DATE, data, services.clock.now()
    )
    await _prompt(context, row.chat_id, "reexam/ask_date")


async def _prompt(context: AppContext, chat_id: int, template: str, **variables: object) -> None:
    today = _today(context)
    dates = {f"in_{c.value}": choice_date(c, today).isoformat() for c in VisitChoice}
    await send(context, chat_id, template, BUTTONS, **dates, **variables)


async def on_visit_date_button(update: Update, context: AppContext) -> None:
    """Take a ready-made date (or "let staff call me") for the open date question."""
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    chat_id = update.effective_chat.id
    state = await context.services.store.dialogs.get(chat_id)
    choice = decode_visit_date(query.data or "")
    if state is None or state.kind != DIALOG_KIND or choice is None:
        await refuse_button(context, query)
        return
    await settle(query)
    if not isinstance(choice, VisitChoice):  # "let staff call me"
        await _leave_to_staff(context, state)
        return
    await _move_visit(context, state, choice_date(choice, _today(context)))


async def take_visit_date(context: AppContext, state: DialogState, text: str) -> None:
    """Take a typed date for the open date question, or ask again politely."""
    read = read_visit_date(text, _today(context))
    if read.problem is not None or read.day is None:
        problem = read.problem.value if read.problem else ""
        await _prompt(context, state.chat_id, "reexam/date_retry", problem=problem)
        return
    await _move_visit(context, state, read.day)


async def _move_visit(context: AppContext, state: DialogState, visit: date) -> None:
    services = context.services
    actor = Actor.contact(int(str(state.data["contact"])))
    episode_id = int(str(state.data["episode"]))
    episode = await choose_visit_date(services, state.chat_id, episode_id, visit, actor)
    await send(context, state.chat_id, "reexam/rescheduled", new_date=visit.isoformat())
    if episode is not None:
        old = episode.revisit_at.isoformat() if episode.revisit_at else str(state.data["old"])
        await services.staff_desk.post_alert(
            "staff/reexam_rescheduled", episode, old_date=old, new_date=visit.isoformat()
        )


async def _leave_to_staff(context: AppContext, state: DialogState) -> None:
    """Hand the new date to staff, as before the patient could choose one."""
    store = context.services.store
    await store.dialogs.clear(state.chat_id)
    episode = await store.episodes.get(int(str(state.data["episode"])))
    if episode is not None:
        payload = {"revisit_date": str(state.data["old"])}
        await context.services.staff_desk.post_alert(
            "staff/reexam_reschedule", episode, payload=payload
        )
    await send(context, state.chat_id, "reexam/reschedule_requested")
