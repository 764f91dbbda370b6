"""The typed context Telegram handlers receive: the services through bot_data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from telegram.ext import Application, CallbackContext, ExtBot, JobQueue

from bot.services.container import Services

if TYPE_CHECKING:
    from bot.channels.sms.runtime import SmsRuntime
    from bot.channels.web.server import WebRuntime
    from bot.channels.wechat.runtime import WeChatRuntime

Data = dict[object, object]
RateLimitArgs = dict[str, Any]


@dataclass
class BotData:
    services: Services | None = field(default=None)
    wechat: WeChatRuntime | None = field(default=None)  # when WeChat is configured
    web: WebRuntime | None = field(default=None)  # when the web pages are configured
    sms: SmsRuntime | None = field(default=None)  # when SMS is configured (with the pages)


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


class FollowupApplication(AppType):
    """PTB's Application, whose stop tells the dispatcher first.

    A stop waits for the JobQueue's jobs under way; the dispatcher's tick sends batch after
    batch for up to a minute. Told, it claims no new batch and its tick ends with the batch in
    flight, so a restart does not hang behind a backlog.
    """

    async def stop(self) -> None:
        """Stop as PTB does, the dispatcher told to claim no new batch."""
        if self.bot_data.services is not None:
            self.bot_data.services.dispatcher.stop_soon()
        await super().stop()
