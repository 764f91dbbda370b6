"""Each role sees its own command list (BotCommandScopeChat per staff member)."""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from bot.domain.roles import Role
from bot.storage.records import StaffMember
from bot.storage.store import Store
from bot.templating import LOCALES, Renderer

log = logging.getLogger(__name__)
PATIENT_COMMANDS = ("start", "complain", "praise", "language", "stop", "help")
ROLE_COMMANDS: dict[Role, tuple[str, ...]] = {
    Role.STAFF: ("calls", "invite", "stopmed", "deceased", "dispute", "help"),
    Role.DOCTOR: ("calls", "invite", "stopmed", "help"),
    Role.SUPERVISOR: ("stats", "chart", "report", "comment", "help"),
    Role.ADMIN: (
        "invite",
        "stopmed",
        "deceased",
        "dispute",
        "stats",
        "chart",
        "report",
        "comment",
        "templates",
        "plans",
        "broadcast",
        "audit",
        "help",
    ),
}


def commands(renderer: Renderer, locale: str, names: tuple[str, ...]) -> list[BotCommand]:
    """Return BotCommands whose descriptions are templates."""
    return [BotCommand(name, renderer.render(f"commands/{name}", locale)) for name in names]


async def set_menus(bot: Bot, store: Store, renderer: Renderer, locale: str) -> None:
    """Set the patients' menu (one per language their app may use) and each staff member's,
    all at once: start-up waits for one round trip to Telegram, not one per menu."""
    staff = await store.staff.all()
    await asyncio.gather(
        bot.set_my_commands(commands(renderer, locale, PATIENT_COMMANDS)),
        *(
            bot.set_my_commands(
                commands(renderer, other, PATIENT_COMMANDS),
                language_code=other.split("_")[0],  # Telegram names languages by ISO 639-1 code
            )
            for other in LOCALES
            if other != locale
        ),
        *(_set_staff_menu(bot, renderer, locale, member) for member in staff),
    )


async def _set_staff_menu(bot: Bot, renderer: Renderer, locale: str, member: StaffMember) -> None:
    try:
        await bot.set_my_commands(
            commands(renderer, locale, ROLE_COMMANDS[member.role]),
            scope=BotCommandScopeChat(member.user_id),
        )
    except TelegramError as error:  # a member who never opened a chat with the bot
        log.info("no menu for staff member %s: %s", member.user_id, type(error).__name__)
