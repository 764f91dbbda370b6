"""The WeChat channel of a running bot: its API client, its channel, its callback endpoint.

Built when FOLLOWUP_WECHAT_APP_ID is set; the callback endpoint is served when `followup run
--wechat-listen HOST:PORT` (or a test) asks for it. The custom menu is set at start, so it
always says what messages/ says; a refusal is logged and the bot runs on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.channels.text.inbox import TextInbox
from bot.channels.wechat.api import WeChatApi
from bot.channels.wechat.callback import CallbackServer, serve_callback
from bot.channels.wechat.channel import WeChatChannel
from bot.channels.wechat.faults import WeChatError
from bot.channels.wechat.inbound import WeChatInbound
from bot.channels.wechat.menu import menu_definition
from bot.dispatch.pacing import Pacer
from bot.dispatch.window import spacing_only_limits
from bot.domain.channel_messages import SendFault
from bot.domain.clock import Clock
from bot.services.container import Services
from bot.settings import Settings, WeChatAccount
from bot.storage.store import Store
from bot.templating import Renderer

log = logging.getLogger(__name__)


@dataclass
class WeChatRuntime:
    account: WeChatAccount
    api: WeChatApi
    channel: WeChatChannel
    pacer: Pacer
    server: CallbackServer | None = None

    async def serve(self, services: Services, listen: str) -> int:
        """Serve the callback endpoint on HOST:PORT; return the port it listens on."""
        inbound = WeChatInbound(TextInbox(services), self.channel, self.api)
        store, clock = services.store, services.clock
        self.server = await serve_callback(
            self.account, store.channel_inbound, clock, inbound.handle, listen
        )
        return self.server.port

    async def settle(self) -> None:
        """Wait until the callbacks taken so far are handled (tests, a clean stop)."""
        if self.server is not None:
            await self.server.settle()

    async def set_menu(self, renderer: Renderer, locale: str) -> None:
        """Set the account's custom menu; log (never raise) when WeChat refuses it."""
        try:
            await self.api.create_menu(menu_definition(renderer, locale))
        except (SendFault, WeChatError) as error:
            log.warning("wechat menu not set: %s", getattr(error, "reason", error))

    async def close(self) -> None:
        """Stop serving callbacks (finishing those under way), then close the client."""
        if self.server is not None:
            await self.server.stop()
            self.server = None
        await self.api.close()


def open_wechat(
    settings: Settings, store: Store, renderer: Renderer, clock: Clock
) -> WeChatRuntime:
    """Build the WeChat channel from the settings (FOLLOWUP_WECHAT_*, checked)."""
    account = settings.require_wechat()
    api = WeChatApi(account, store.channel_tokens, clock)
    channel = WeChatChannel(
        store, renderer, clock, api, account.notice_template_id, settings.locale, settings.zone
    )
    # WeChat limits customer-service messages per follower (the window) and per day (500,000),
    # not per second: FOLLOWUP_RATE paces it as every channel, with no per-chat spacing.
    pacer = Pacer(settings.rate, limits=spacing_only_limits(settings.rate))
    return WeChatRuntime(account, api, channel, pacer)
