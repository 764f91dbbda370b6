"""/stop: withdraw consent for this chat, after a confirmation."""

from __future__ import annotations

from telegram import Update

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.handlers.replies import Button, refuse_button, send, settle
from bot.domain.choices import StopChoice, decode_stop, encode_stop
from bot.domain.consent import ConsentVia
from bot.domain.dialogs import DialogKind
from bot.services.withdrawal import granted_contacts, withdraw_consent

CANCELLED = {
    DialogKind.ENROL: "enrol/cancelled",
    DialogKind.CASE: "complain/cancelled",
    DialogKind.TEMPLATE: "templates/cancelled",
    DialogKind.BROADCAST: "broadcast/cancelled",
    DialogKind.PATIENT_FACT: "facts/cancelled",
}
STOP_BUTTONS: list[list[Button]] = [
    [
        ("buttons/stop_confirm", encode_stop(StopChoice.YES)),
        ("buttons/stop_keep", encode_stop(StopChoice.NO)),
    ]
]


async def on_stop(update: Update, context: AppContext) -> None:
    """Cancel an enrolment in progress, or ask to confirm withdrawing consent."""
    assert update.effective_chat is not None
    chat_id = update.effective_chat.id
    store = context.services.store
    state = await store.dialogs.get(chat_id)
    if state is not None and state.kind in CANCELLED:
        await store.dialogs.clear(chat_id)  # /stop first ends a dialog under way
        await send(context, chat_id, CANCELLED[state.kind])
        return
    if not await granted_contacts(context.services, chat_id):
        await send(context, chat_id, "stop/not_enrolled")
        return
    await send(context, chat_id, "stop/confirm", STOP_BUTTONS)


async def on_stop_button(update: Update, context: AppContext) -> None:
    """Withdraw consent for every patient this chat follows, or keep it."""
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    chat_id = update.effective_chat.id
    granted = await granted_contacts(context.services, chat_id)
    choice = decode_stop(query.data or "")
    if choice is None or not granted:
        await refuse_button(context, query)
        return
    await settle(query)
    if choice is StopChoice.NO:
        await send(context, chat_id, "stop/kept")
        return
    await withdraw_consent(context.services, granted, ConsentVia.STOP)
    await send(context, chat_id, "stop/done")
