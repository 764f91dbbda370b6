"""The callback endpoint WeChat calls: GET verifies the URL, POST brings messages and events.

A POST is checked (signature, and msg_signature with decryption in safe mode), parsed,
recorded once in the database, answered "success" at once (WeChat retries after 5 seconds)
and handed to the channel's handler in a background task. A retry of a callback already
taken is answered and not handed on. A callback is kept until handled: one taken by a worker
that stopped before handling it is handed on when the endpoint starts again. Logs name a
problem's kind, never a message's content.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import socket
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

from bot.channels.listen import parse_listen
from bot.channels.wechat.crypto import DecryptError, SafeMode
from bot.channels.wechat.events import EventError, WeChatEvent, encrypted_field, parse_event
from bot.channels.wechat.signing import verify, verify_message
from bot.domain.clock import Clock
from bot.settings import WeChatAccount
from bot.storage.channel_tokens import ChannelInboundRepository

log = logging.getLogger(__name__)
PATH = "/wechat"
CHANNEL = "wechat"
SUCCESS = "success"
AT_ONCE = 4  # events handled side by side (SQLite writes one at a time anyway)

EventHandler = Callable[[WeChatEvent], Awaitable[None]]


@dataclass
class CallbackContext:
    """What every request needs, and the handler tasks still running.

    A few events are handled side by side, each follower's one at a time in the order they
    came (asyncio's locks are first come, first served), so the requests themselves are
    answered at once whatever the burst.
    """

    account: WeChatAccount
    inbound: ChannelInboundRepository
    clock: Clock
    handler: EventHandler
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    handling: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(AT_ONCE))
    followers: dict[str, asyncio.Lock] = field(default_factory=dict)
    waiting: Counter[str] = field(default_factory=Counter)
    queued: list[tuple[WeChatEvent, asyncio.Future[bool]]] = field(default_factory=list)
    recording: bool = False

    async def take(self, event: WeChatEvent) -> bool:
        """Record a callback with what it brought; False when it was taken before.

        Callbacks that come while a write is under way are recorded together in the next
        one (a group commit): a burst costs a few transactions, not one each, and every
        request is answered soon after its callback is safely kept.
        """
        taken = asyncio.get_running_loop().create_future()
        self.queued.append((event, taken))
        if not self.recording:
            self.recording = True
            self._keep(asyncio.create_task(self._record_queued()))
        return bool(await taken)

    async def _record_queued(self) -> None:
        try:
            while self.queued:
                batch, self.queued = self.queued, []
                callbacks: list[tuple[str, dict[str, Any] | None]] = [
                    (event.dedup_key, dataclasses.asdict(event)) for event, _ in batch
                ]
                try:
                    keys = await self.inbound.take_many(CHANNEL, callbacks, self.clock.now())
                except Exception as error:  # each request answers 500: WeChat sends it again
                    for _event, taken in batch:
                        taken.set_exception(error)
                    continue
                for event, taken in batch:
                    taken.set_result(event.dedup_key in keys)
                    keys.discard(event.dedup_key)  # the same callback twice in one batch
        finally:
            self.recording = False

    def hand_on(self, event: WeChatEvent) -> None:
        """Run the handler in the background, keeping the task referenced until it ends."""
        self._keep(asyncio.create_task(self._handle(event)))

    def _keep(self, task: asyncio.Task[None]) -> None:
        """Keep a background task referenced until it ends (settle() waits for them)."""
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def replay(self) -> int:
        """Hand on the callbacks taken but not handled before a stop; return how many."""
        waiting = await self.inbound.unhandled(CHANNEL)
        for _key, fields in waiting:
            await self._handle(WeChatEvent(**fields))
        return len(waiting)

    async def _handle(self, event: WeChatEvent) -> None:
        """Handle an event after the follower's earlier ones, then mark it handled — also
        when the handler failed: it is logged and not handed on again at every start."""
        openid = event.openid
        self.waiting[openid] += 1
        lock = self.followers.setdefault(openid, asyncio.Lock())
        try:
            async with lock, self.handling:
                await self._handle_now(event)
        finally:
            self.waiting[openid] -= 1
            if not self.waiting[openid]:
                del self.waiting[openid], self.followers[openid]

    async def _handle_now(self, event: WeChatEvent) -> None:
        try:
            await self.handler(event)
        except Exception as error:  # a background task: nobody else would hear of it
            log.error("wechat event handler failed: %s", type(error).__name__)
        await self.inbound.handled(CHANNEL, event.dedup_key, self.clock.now())


class CallbackHandler(RequestHandler):
    def initialize(self, context: CallbackContext) -> None:
        self.context = context

    def _signed(self) -> bool:
        account = self.context.account
        return verify(
            account.token,
            self.get_query_argument("timestamp", ""),
            self.get_query_argument("nonce", ""),
            self.get_query_argument("signature", ""),
            self.context.clock,
        )

    def _refuse(self, why: str) -> None:
        log.warning("wechat callback refused: %s", why)
        self.send_error(HTTPStatus.FORBIDDEN)

    def get(self) -> None:
        """Answer WeChat's URL check with its echostr when the signature is right."""
        if not self._signed():
            self._refuse("wrong signature")
            return
        self.write(self.get_query_argument("echostr", ""))

    async def post(self) -> None:
        """Check, decrypt, parse and record a callback; answer, then hand it on."""
        if not self._signed():
            self._refuse("wrong signature")
            return
        body = self._plain_body()
        if body is None:
            return
        event = self._event(body)
        if event is not None and await self.context.take(event):
            self.context.hand_on(event)
        self.write(SUCCESS)

    def _plain_body(self) -> bytes | None:
        """Return the message's XML, decrypted in safe mode; None when refused (403 sent)."""
        if self.get_query_argument("encrypt_type", "raw") != "aes":
            return self.request.body
        try:
            encrypted = encrypted_field(self.request.body)
        except EventError as error:
            self._refuse(f"safe mode: {error}")
            return None
        if not self._message_signed(encrypted):
            self._refuse("wrong msg_signature")
            return None
        return self._decrypted(encrypted)

    def _message_signed(self, encrypted: str) -> bool:
        return verify_message(
            self.context.account.token,
            self.get_query_argument("timestamp", ""),
            self.get_query_argument("nonce", ""),
            encrypted,
            self.get_query_argument("msg_signature", ""),
            self.context.clock,
        )

    def _decrypted(self, encrypted: str) -> bytes | None:
        aes_key = self.context.account.aes_key
        if aes_key is None:
            self._refuse("safe mode but FOLLOWUP_WECHAT_AES_KEY is not set")
            return None
        try:
            return SafeMode(aes_key, self.context.account.app_id).decrypt(encrypted).encode()
        except DecryptError as error:
            self._refuse(f"cannot decrypt ({error}); check FOLLOWUP_WECHAT_AES_KEY")
            return None

    def _event(self, body: bytes) -> WeChatEvent | None:
        try:
            return parse_event(body)
        except EventError as error:  # a retry would not mend it: answered, and logged
            log.warning("wechat callback not understood: %s", error)
            return None

    def log_exception(self, *args: object) -> None:
        log.error("wechat callback failed")  # without the request, which may hold a message


class CallbackServer:
    """The callback endpoint, listening; `stop()` closes it and waits for running handlers."""

    def __init__(self, server: HTTPServer, context: CallbackContext, port: int) -> None:
        self._server, self._context, self.port = server, context, port

    async def stop(self) -> None:
        """Stop listening, then wait for the events being handled."""
        self._server.stop()
        await self.settle()

    async def settle(self) -> None:
        """Wait until every event handed on so far (and any it led to) is handled."""
        while pending := list(self._context.tasks):
            await asyncio.gather(*pending, return_exceptions=True)


def callback_application(context: CallbackContext) -> Application:
    """The tornado Application answering /wechat."""
    return Application([(PATH, CallbackHandler, {"context": context})])


def start_callback(context: CallbackContext, sockets: list[socket.socket]) -> CallbackServer:
    """Serve the endpoint on sockets already bound."""
    server = HTTPServer(callback_application(context))
    server.add_sockets(sockets)
    return CallbackServer(server, context, sockets[0].getsockname()[1])


async def serve_callback(
    account: WeChatAccount,
    inbound: ChannelInboundRepository,
    clock: Clock,
    handler: EventHandler,
    listen: str,
) -> CallbackServer:
    """Listen on HOST:PORT for WeChat's callbacks at /wechat, handing events to handler."""
    host, port = parse_listen(listen)
    context = CallbackContext(account, inbound, clock, handler)
    replayed = await context.replay()  # taken by a worker that stopped before handling them
    if replayed:
        log.info("wechat callbacks: %d taken before a stop handled now", replayed)
    server = start_callback(context, bind_sockets(port, host))
    log.info("wechat callbacks: listening on %s:%d%s", host, server.port, PATH)
    return server
