"""Stopping on any channel: ask to confirm (ending a dialog under way first), take the
confirm/keep choice, and withdraw at once where unfollowing a channel means withdrawal."""

from __future__ import annotations

from bot.domain.choices import StopChoice, decode_stop, encode_stop
from bot.domain.consent import ConsentVia
from bot.domain.dialogs import DialogKind
from bot.services.container import Services
from bot.services.messaging import ChoiceRow, say
from bot.services.withdrawal import granted_contacts, withdraw_consent

CANCELLED = {
    DialogKind.ENROL: "enrol/cancelled",
    DialogKind.CASE: "complain/cancelled",
    DialogKind.TEMPLATE: "templates/cancelled",
    DialogKind.BROADCAST: "broadcast/cancelled",
    DialogKind.PATIENT_FACT: "facts/cancelled",
}
STOP_CHOICES: list[ChoiceRow] = [
    [
        ("buttons/stop_confirm", encode_stop(StopChoice.YES)),
        ("buttons/stop_keep", encode_stop(StopChoice.NO)),
    ]
]


async def ask_to_stop(services: Services, chat: int) -> None:
    """End a dialog under way, or ask to confirm withdrawing consent."""
    store = services.store
    state = await store.dialogs.get(chat)
    if state is not None and state.kind in CANCELLED:
        await store.dialogs.clear(chat)
        await say(services, chat, CANCELLED[state.kind])
        return
    if not await granted_contacts(services, chat):
        await say(services, chat, "stop/not_enrolled")
        return
    await say(services, chat, "stop/confirm", STOP_CHOICES)


async def read_stop_choice(services: Services, chat: int, choice_id: str) -> StopChoice | None:
    """Return the stop choice a choice id gives, if the chat has consent left to withdraw."""
    choice = decode_stop(choice_id)
    if choice is None or not await granted_contacts(services, chat):
        return None
    return choice


async def take_stop_choice(services: Services, chat: int, choice: StopChoice) -> None:
    """Withdraw consent for every patient the chat follows, or keep it."""
    if choice is StopChoice.NO:
        await say(services, chat, "stop/kept")
        return
    await withdraw_consent(services, await granted_contacts(services, chat), ConsentVia.STOP)
    await say(services, chat, "stop/done")


async def withdraw_without_asking(services: Services, chat: int, via: ConsentVia) -> bool:
    """Withdraw every granted contact of a chat at once (audited), sending nothing: the
    person unfollowed and can no longer receive a message. False if none was granted."""
    await services.store.dialogs.clear(chat)
    granted = await granted_contacts(services, chat)
    if granted:
        await withdraw_consent(services, granted, via)
    return bool(granted)
