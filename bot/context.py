"""The typed dependencies handlers reach through their context."""

from __future__ import annotations

from dataclasses import dataclass, field

from telegram.ext import Application, CallbackContext, ExtBot

from bot.domain.clock import Clock
from bot.settings import Settings
from bot.storage.store import Store
from bot.templating import Renderer


@dataclass(frozen=True)
class Services:
    settings: Settings
    store: Store
    renderer: Renderer
    clock: Clock

    @property
    def locale(self) -> str:
        """Return the locale messages are written in."""
        return self.settings.locale


@dataclass
class BotData:
    services: Services | None = field(default=None)


class AppContext(
    CallbackContext[ExtBot[None], dict[object, object], dict[object, object], BotData]
):
    """CallbackContext with typed access to the services."""

    @property
    def services(self) -> Services:
        """Return the services created at start-up."""
        services = self.bot_data.services
        if services is None:
            raise RuntimeError("services are created in post_init; the application is not started")
        return services


AppType = Application[
    ExtBot[None], AppContext, dict[object, object], dict[object, object], BotData, object
]
