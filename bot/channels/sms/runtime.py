"""The SMS channel of a running bot: the provider, the notices, the channel over the pages,
and the callback routes the web listener mounts (FOLLOWUP_SMS_* and the pages' settings)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from bot.channels.sms.channel import SmsChannel
from bot.channels.sms.handlers import SmsCallbacks, callback_path, sms_routes
from bot.channels.sms.inbox import SmsInbox
from bot.channels.sms.notices import SmsNotices, registered_texts
from bot.channels.sms.provider import SmsProvider
from bot.channels.sms.providers import make_provider
from bot.channels.web.server import WebRuntime, open_web
from bot.domain.clock import Clock
from bot.domain.schedule import SendPolicy
from bot.domain.web_links import PATH_PREFIX, LinkPurpose
from bot.services.container import Services
from bot.settings import Settings
from bot.settings_sms import SmsAccount
from bot.storage.store import Store
from bot.templating import Renderer

log = logging.getLogger(__name__)
HIDDEN = "…"  # the callback secret's place in logged paths


def link_prefixes(public_url: str) -> tuple[str, str]:
    """Return the conversation page's and the replies page's link prefixes."""
    base = public_url.rstrip("/")
    conversation = PATH_PREFIX[LinkPurpose.CONVERSATION]
    return f"{base}/{conversation}/", f"{base}/{PATH_PREFIX[LinkPurpose.REPLIES]}/"


@dataclass
class SmsRuntime:
    """The SMS channel, its provider and notices."""

    account: SmsAccount
    provider: SmsProvider
    notices: SmsNotices
    channel: SmsChannel

    def routes(self, services: Services) -> list[tuple[str, Any, dict[str, Any]]]:
        """Return the callback routes: replies to the SMS inbox, receipts recorded."""
        inbox = SmsInbox(services)
        callbacks = SmsCallbacks(self.account.provider, inbox.receive, self.notices.on_receipt)
        for what in ("reply", "receipt"):
            path = callback_path(self.account.provider, HIDDEN, what)
            log.info("sms %s callback: %s", what, path)
        return sms_routes(callbacks, self.account.callback_secret)

    async def close(self) -> None:
        """Close the provider's HTTP client."""
        await self.provider.aclose()


def open_sms(
    settings: Settings,
    store: Store,
    renderer: Renderer,
    clock: Clock,
    web: WebRuntime,
    policy: SendPolicy,
) -> SmsRuntime:
    """Build the SMS channel from the settings (checked: FOLLOWUP_SMS_* and the pages')."""
    account = settings.require_sms()
    public_url, _secret = settings.require_web()
    provider = make_provider(account, clock)
    conversation, replies = link_prefixes(public_url)
    texts = registered_texts(renderer, settings.locale, conversation, account.provider, replies)
    notices = SmsNotices(provider, account, store.sms_messages, settings.zone, clock, texts)
    channel = SmsChannel(web, notices, store, clock, policy)
    return SmsRuntime(account, provider, notices, channel)


def open_pages(
    settings: Settings, store: Store, renderer: Renderer, clock: Clock, policy: SendPolicy
) -> tuple[WebRuntime | None, SmsRuntime | None]:
    """Build the pages when configured, and the SMS channel over them when SMS is too."""
    if not settings.web_configured:
        return None, None
    web = open_web(settings, store, renderer, clock)
    sms = (
        open_sms(settings, store, renderer, clock, web, policy) if settings.sms_configured else None
    )
    return web, sms
