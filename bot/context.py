"""The typed dependencies handlers reach through their context."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot, JobQueue

from bot.dispatch.dispatcher import Dispatcher
from bot.domain.clock import Clock
from bot.services.planning import Scheduling
from bot.settings import Settings
from bot.storage.store import Store
from bot.templating import Renderer

Data = dict[object, object]
RateLimitArgs = dict[str, Any]


@dataclass(frozen=True)
class Services:
    settings: Settings
    store: Store
    renderer: Renderer
    clock: Clock
    scheduling: Scheduling
    dispatcher: Dispatcher
    samples: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def locale(self) -> str:
        """Return the hospital's language: staff, the CLI, and chats that chose none.

        A patient's chat is written to in its own (bot.services.languages.locale_of_chat).
        """
        return self.settings.locale


@dataclass
class BotData:
    services: Services | None = field(default=None)


class AppContext(CallbackContext[ExtBot[RateLimitArgs], Data, Data, BotData]):
    """CallbackContext with typed access to the services."""

    @property
    def services(self) -> Services:
        """Return the services created at start-up."""
        services = self.bot_data.services
        if services is None:
            raise RuntimeError("services are created in post_init; the application is not started")
        return services


AppType = Application[ExtBot[RateLimitArgs], AppContext, Data, Data, BotData, JobQueue[AppContext]]
