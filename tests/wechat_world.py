"""A WeChat world for tests: the database, a fake clock, the fake WeChat API on loopback,
the bot's callback endpoint and an API client, all real, all offline."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tornado.netutil import bind_sockets

from bot.channels.wechat.api import WeChatApi
from bot.channels.wechat.callback import (
    CallbackContext,
    CallbackServer,
    EventHandler,
    start_callback,
)
from bot.channels.wechat.events import WeChatEvent
from bot.demo.fake_wechat import FakeWeChat
from bot.domain.clock import FakeClock
from bot.settings import WeChatAccount
from bot.storage.store import Store
from tests.backends import database_url
from tests.harness import START

APP_ID = "wxfake0000000001"
APP_SECRET = "fake-app-secret"
CALLBACK_TOKEN = "faketoken"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
NOTICE_TEMPLATE = "notice-template"


@dataclass
class WeChatWorld:
    store: Store
    clock: FakeClock
    fake: FakeWeChat
    account: WeChatAccount
    server: CallbackServer
    api: WeChatApi
    events: list[WeChatEvent] = field(default_factory=list)

    @property
    def callback_url(self) -> str:
        return f"http://127.0.0.1:{self.server.port}/wechat"

    def client(self) -> WeChatApi:
        """Another worker's client on the same database (close it after use)."""
        return WeChatApi(self.account, self.store.channel_tokens, self.clock)


def account(api_base: str, aes_key: str | None = None) -> WeChatAccount:
    return WeChatAccount(
        app_id=APP_ID,
        app_secret=APP_SECRET,
        token=CALLBACK_TOKEN,
        aes_key=aes_key,
        api_base=api_base,
        notice_template_id=NOTICE_TEMPLATE,
    )


@asynccontextmanager
async def wechat_world(
    tmp_path: Path, safe_mode: bool = False, handler: EventHandler | None = None
) -> AsyncIterator[WeChatWorld]:
    """Start everything; the handler (by default) records the events handed on."""
    store = Store.open(database_url(tmp_path))
    clock = FakeClock(START)
    aes_key = AES_KEY if safe_mode else None
    fake = FakeWeChat(clock, callback_token=CALLBACK_TOKEN, aes_key=aes_key)
    await fake.start()
    events: list[WeChatEvent] = []

    async def record(event: WeChatEvent) -> None:
        events.append(event)

    settings = account(fake.base_url, aes_key)
    context = CallbackContext(settings, store.channel_inbound, clock, handler or record)
    server = start_callback(context, bind_sockets(0, "127.0.0.1", family=socket.AF_INET))
    fake.callback_url = f"http://127.0.0.1:{server.port}/wechat"
    api = WeChatApi(settings, store.channel_tokens, clock)
    world = WeChatWorld(store, clock, fake, settings, server, api, events)
    try:
        yield world
    finally:
        await api.close()
        await server.stop()
        await fake.stop()
        await store.close()
