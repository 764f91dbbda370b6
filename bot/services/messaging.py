"""Telling a person something: a template in their chat's language, sent to their address."""

from __future__ import annotations

from typing import Any

from bot.domain.channel_messages import (
    Address,
    Choice,
    Choices,
    Outgoing,
    Sent,
    telegram_chat,
)
from bot.services.container import Services
from bot.services.languages import locale_of_chat
from bot.storage.unit_of_work import Repositories
from bot.templating import Renderer

ChoiceRow = list[tuple[str, str]]  # (label template, choice id), left to right


async def chat_address(store: Repositories, chat_id: int) -> Address:
    """Return where a chat's messages go: its channel chat's address, else the Telegram chat."""
    return await store.channel_chats.address_of(chat_id) or telegram_chat(chat_id)


def rendered_choices(
    renderer: Renderer, locale: str, rows: list[ChoiceRow], variables: dict[str, Any]
) -> Choices:
    """Render the labels of choice rows in a language."""
    return tuple(
        tuple(Choice(data, renderer.render(label, locale, **variables)) for label, data in row)
        for row in rows
    )


async def say(
    services: Services,
    chat_id: int,
    template: str,
    rows: list[ChoiceRow] | None = None,
    /,
    **variables: Any,
) -> Sent | None:
    """Send a template to a chat in its language, with optional choices."""
    locale = await locale_of_chat(services.store, services.settings, chat_id)
    return await say_in(services, locale, chat_id, template, rows, **variables)


async def say_in(
    services: Services,
    locale: str,
    chat_id: int,
    template: str,
    rows: list[ChoiceRow] | None = None,
    /,
    **variables: Any,
) -> Sent | None:
    """Send a template to a chat in the given language (choice labels get the variables too);
    a chat on a channel with its own wording of the template gets that (Renderer.for_channel)."""
    renderer = services.renderer
    address = await chat_address(services.store, chat_id)
    wording = renderer.for_channel(template, address.channel.value, locale)
    choices = rendered_choices(renderer, locale, rows or [], variables)
    message = Outgoing(renderer.render(wording, locale, **variables), choices)
    return await services.sender.send(address, message)


async def tell(services: Services, chat_id: int, message: Outgoing) -> Sent | None:
    """Send a rendered message to a chat, on the chat's channel."""
    return await services.sender.send(await chat_address(services.store, chat_id), message)
