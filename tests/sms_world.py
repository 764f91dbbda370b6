"""A fake SMS provider on loopback, the bot's provider client and notices over a test
database, and the bot's callback endpoints on a small tornado app of their own."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application

from bot.channels.sms.handlers import SmsCallbacks, callback_path, sms_routes
from bot.channels.sms.notices import SmsNotices, registered_texts
from bot.channels.sms.provider import SmsProvider
from bot.channels.sms.providers import make_provider
from bot.demo.fake_sms import FakeSms
from bot.domain.channel_messages import Address
from bot.domain.clock import FakeClock
from bot.domain.sms import SmsProviderName
from bot.settings_sms import SmsAccount
from bot.storage.store import Store
from bot.templating import Renderer
from tests.harness import START, make_settings

PHONE = "13800138000"
LINK_PREFIX = "https://followup.example.cn/m/"


@dataclass
class SmsWorld:
    """The fake provider, the bot's side of SMS, and what the callbacks handed on."""

    clock: FakeClock
    fake: FakeSms
    account: SmsAccount
    provider: SmsProvider
    store: Store
    notices: SmsNotices
    callbacks_base: str = ""
    replies: list[tuple[Address, str]] = field(default_factory=list)
    keys: list[str | None] = field(default_factory=list)  # the providers' ids of the replies
    inbox_down: bool = False  # the inbox fails (its database is away)

    async def on_reply(self, address: Address, text: str, key: str | None) -> None:
        """Keep a reply (and the provider's id for it), as the SMS inbox would take it."""
        if self.inbox_down:
            raise RuntimeError(f"inbox down while taking {text!r} from {address.chat}")
        self.replies.append((address, text))
        self.keys.append(key)


@asynccontextmanager
async def sms_world(
    tmp_path: Path,
    provider: SmsProviderName = SmsProviderName.ALIYUN,
    settings: dict[str, Any] | None = None,
    **fake_state: Any,
) -> AsyncIterator[SmsWorld]:
    """Start the fake and the callback endpoints; stop them and close the store after."""
    clock = FakeClock(START)
    fake = FakeSms(clock, provider, **fake_state)
    await fake.start()
    base = make_settings(tmp_path, **(settings or {}))
    account = fake.settings_for(base).require_sms()
    store = Store.open(base.database_url)
    client = make_provider(account, clock)
    texts = registered_texts(Renderer(), "zh_CN", LINK_PREFIX, provider)
    notices = SmsNotices(client, account, store.sms_messages, base.zone, clock, texts)
    world = SmsWorld(clock, fake, account, client, store, notices)
    server = _serve(world)
    port = next(iter(server._sockets.values())).getsockname()[1]
    world.callbacks_base = f"http://127.0.0.1:{port}"
    fake.callback_base = world.callbacks_base + callback_path(
        provider, account.callback_secret, ""
    ).rstrip("/")
    try:
        yield world
    finally:
        server.stop()
        await fake.stop()
        await client.aclose()
        await store.close()


def _serve(world: SmsWorld) -> HTTPServer:
    callbacks = SmsCallbacks(world.account.provider, world.on_reply, world.notices.on_receipt)
    app = Application(sms_routes(callbacks, world.account.callback_secret), xsrf_cookies=True)
    server = HTTPServer(app)
    server.add_sockets(bind_sockets(0, "127.0.0.1", family=socket.AF_INET))
    return server
