"""/stop: withdraw consent for this chat, after a confirmation."""

from __future__ import annotations

from telegram import Update

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.handlers.patient_facts import DIALOG_KIND as FACT_DIALOG
from bot.channels.telegram.handlers.replies import Button, refuse_button, send, settle
from bot.domain.enrolment import DIALOG_KIND, ConsentDecision

CANCELLED = {
    DIALOG_KIND: "enrol/cancelled",
    "case": "complain/cancelled",
    "template": "templates/cancelled",
    "broadcast": "broadcast/cancelled",
    FACT_DIALOG: "facts/cancelled",
}
STOP_BUTTONS: list[list[Button]] = [
    [("buttons/stop_confirm", "stop:yes"), ("buttons/stop_keep", "stop:no")]
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
    contacts = await store.contacts.for_chat(chat_id)
    if not any(c.consent == ConsentDecision.GRANTED for c in contacts):
        await send(context, chat_id, "stop/not_enrolled")
        return
    await send(context, chat_id, "stop/confirm", STOP_BUTTONS)


async def on_stop_button(update: Update, context: AppContext) -> None:
    """Withdraw consent for every patient this chat follows, or keep it."""
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    chat_id = update.effective_chat.id
    store = context.services.store
    granted = [
        c.id for c in await store.contacts.for_chat(chat_id) if c.consent == ConsentDecision.GRANTED
    ]
    if query.data not in ("stop:yes", "stop:no") or not granted:
        await refuse_button(context, query)
        return
    await settle(query)
    if query.data == "stop:no":
        await send(context, chat_id, "stop/kept")
        return
    now = context.services.clock.now()
    await store.contacts.set_consent(granted, ConsentDecision.WITHDRAWN, now, via="stop")
    await store.outbox.cancel_pending_for_contacts(granted, now, "withdrawn")
    await store.surveys.close_for_contacts(granted, now)
    await send(context, chat_id, "stop/done")
