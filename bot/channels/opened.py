"""Every configured patient channel, opened over one store: Telegram and the phone (relayed
by nurses on the staff side) always, a plain-text line (the tests'), WeChat, SMS with its
pages; the pacer of each; and the HTTP servers they serve."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from telegram import Bot

from bot.channels.phone.channel import PhoneChannel
from bot.channels.telegram.transport import TelegramChannel
from bot.channels.text.channel import TextChannel, TextLine
from bot.dispatch.pacing import Pacer
from bot.dispatch.window import spacing_only_limits
from bot.domain.channel_messages import ChannelName
from bot.domain.clock import Clock
from bot.domain.schedule import SendPolicy
from bot.services.container import Services
from bot.services.ports import Channel
from bot.settings import Settings
from bot.storage.store import Store
from bot.templating import Renderer

if TYPE_CHECKING:  # imported where configured: most starts serve neither (start-up time)
    from bot.channels.sms.runtime import SmsRuntime
    from bot.channels.web.server import WebRuntime
    from bot.channels.wechat.runtime import WeChatRuntime


@dataclass
class OpenedChannels:
    """The channels by name, their pacers (Telegram's the default), and the runtimes that
    serve HTTP or hold clients to close."""

    channels: dict[ChannelName, Channel]
    pacers: dict[ChannelName, Pacer]
    wechat: WeChatRuntime | None
    web: WebRuntime | None
    sms: SmsRuntime | None
    phone: PhoneChannel  # relays through the staff desk: connect it once the desk is built

    @property
    def default_pacer(self) -> Pacer:
        return self.pacers[ChannelName.TELEGRAM]


def sms_pacer(settings: Settings) -> Pacer:
    """The pages' and their notice SMS's own turns, at FOLLOWUP_RATE without per-chat spacing:
    apart from Telegram's (whose thirty a second and one a second per chat are not the
    provider's), far below the provider's 3,000 requests a second; a number's own limits
    are kept by the notices (one unread at a time, FOLLOWUP_SMS_DAILY_LIMIT)."""
    return Pacer(settings.rate, limits=spacing_only_limits(settings.rate))


def open_channels(
    settings: Settings,
    store: Store,
    renderer: Renderer,
    clock: Clock,
    bot: Bot,
    policy: SendPolicy,
    text_line: TextLine | None = None,
) -> OpenedChannels:
    """Open every configured channel (none serves yet)."""
    pacer = Pacer(settings.rate, settings.per_chat_interval)  # shared: replies and bulk
    channels: dict[ChannelName, Channel] = {ChannelName.TELEGRAM: TelegramChannel(bot)}
    pacers = {ChannelName.TELEGRAM: pacer}
    if text_line is not None:  # a plain-text line (the tests')
        channels[ChannelName.TEXT] = TextChannel(store, renderer, clock, text_line, settings.locale)
    wechat = None
    if settings.wechat_configured:
        from bot.channels.wechat.runtime import open_wechat  # only where configured

        wechat = open_wechat(settings, store, renderer, clock)
        channels[ChannelName.WECHAT], pacers[ChannelName.WECHAT] = wechat.channel, wechat.pacer
    web, sms = None, None
    if settings.web_configured:
        from bot.channels.sms.runtime import open_pages  # only where configured

        web, sms = open_pages(settings, store, renderer, clock, policy)
    if web is not None:
        channels[ChannelName.SMS] = sms.channel if sms is not None else web.channel
        pacers[ChannelName.SMS] = sms_pacer(settings)
    # the nurses are on the staff side, which is Telegram: always there
    phone = PhoneChannel(store, renderer, clock, settings.locale)
    channels[ChannelName.PHONE] = phone
    return OpenedChannels(channels, pacers, wechat, web, sms, phone)


async def serve_channels(
    opened: OpenedChannels,
    services: Services,
    wechat_listen: str | None,
    web_listen: str | None,
) -> None:
    """Set WeChat's menu, and serve WeChat's callbacks and the pages where asked."""
    if opened.wechat is not None:
        await opened.wechat.set_menu(services.renderer, services.settings.locale)
        if wechat_listen is not None:
            await opened.wechat.serve(services, wechat_listen)
    if opened.web is not None and web_listen is not None:
        routes = opened.sms.routes(services) if opened.sms is not None else None
        await opened.web.serve(services, web_listen, routes)
