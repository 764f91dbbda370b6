"""What reaches Telegram: over aiohttp the server receives what PTB's httpx client sends, a
text sent by the channel is what send_message sends, and timeouts and network faults become
PTB's errors (the dispatcher classifies those)."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import NetworkError, TimedOut
from telegram.ext import ExtBot
from telegram.request import BaseRequest, HTTPXRequest
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

from benchmarks.common import free_port
from bot.channels.telegram.http_request import AiohttpRequest
from bot.channels.telegram.transport import TelegramChannel, inline_keyboard
from bot.demo.fake_telegram import TOKEN
from bot.domain.channel_messages import Address, ChannelName, Choice, Outgoing

SLOW_METHOD = "getChat"
BOT_USER = {"id": 7000000001, "is_bot": True, "first_name": "随访", "username": "followup_bot"}


@dataclass
class Received:
    """What the server parsed of each request: method, fields, files, client's name."""

    requests: list[dict[str, Any]] = field(default_factory=list)


class RecordingHandler(RequestHandler):
    def initialize(self, received: Received) -> None:
        self.received = received

    async def post(self, method: str) -> None:
        if method == SLOW_METHOD:
            await asyncio.sleep(2)
        if method == "getMe":  # PTB asks who the bot is when it starts
            self.finish({"ok": True, "result": BOT_USER})
            return
        fields = {name: self.get_body_argument(name) for name in self.request.body_arguments}
        files = {
            name: (parts[0].filename, parts[0].body, parts[0].content_type)
            for name, parts in self.request.files.items()
        }
        agent = self.request.headers.get("User-Agent", "")
        self.received.requests.append(
            {"method": method, "fields": fields, "files": files, "agent": agent}
        )
        chat = {"id": int(fields["chat_id"]), "type": "private"}
        self.finish(json.dumps({"ok": True, "result": {"message_id": 7, "date": 0, "chat": chat}}))


@pytest.fixture
async def server() -> AsyncIterator[tuple[str, Received]]:
    received = Received()
    app = Application([(r"/bot[^/]+/(\w+)", RecordingHandler, {"received": received})])
    http = HTTPServer(app)
    sockets = bind_sockets(0, "127.0.0.1", family=socket.AF_INET)
    http.add_sockets(sockets)
    port = sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}/bot", received
    http.stop()


async def send_both(base_url: str, request: BaseRequest) -> None:
    """A text with buttons and a photo with a caption, as the channel sends them."""
    bot: ExtBot[None] = ExtBot(TOKEN, base_url=base_url, request=request)
    async with bot:
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("好转 ✓", callback_data="a:1")]])
        sent = await bot.send_message(
            42, "您好 <b>张三</b> & 家属", parse_mode="HTML", reply_markup=keyboard
        )
        assert sent.message_id == 7
        await bot.send_photo(42, b"\x89PNG fake bytes", caption="出院小结", parse_mode="HTML")


async def test_the_server_receives_what_httpx_sends(server: tuple[str, Received]) -> None:
    base_url, received = server
    await send_both(base_url, HTTPXRequest(connection_pool_size=4))
    by_httpx, received.requests = received.requests, []
    await send_both(base_url, AiohttpRequest(connection_pool_size=4))
    assert [request["method"] for request in received.requests] == ["sendMessage", "sendPhoto"]
    assert received.requests == by_httpx
    assert received.requests[0]["fields"]["text"] == "您好 <b>张三</b> & 家属"
    assert received.requests[1]["files"]["photo"][1] == b"\x89PNG fake bytes"


async def test_a_slow_answer_is_a_timeout(server: tuple[str, Received]) -> None:
    base_url, _ = server
    bot: ExtBot[None] = ExtBot(TOKEN, base_url=base_url, request=AiohttpRequest(read_timeout=0.2))
    await bot.request.initialize()
    with pytest.raises(TimedOut):
        await bot.get_chat(42)
    await bot.request.shutdown()


async def test_nobody_listening_is_a_network_error() -> None:
    request = AiohttpRequest()
    bot: ExtBot[None] = ExtBot(
        TOKEN, base_url=f"http://127.0.0.1:{free_port()}/bot", request=request
    )
    await request.initialize()
    with pytest.raises(NetworkError):
        await bot.send_message(42, "您好")
    await request.shutdown()


async def test_it_works_again_after_a_shutdown(server: tuple[str, Received]) -> None:
    base_url, received = server
    request = AiohttpRequest()
    await send_both(base_url, request)
    await send_both(base_url, request)
    assert len(received.requests) == 4


async def test_a_text_with_buttons_goes_out_as_send_message_sends_it(
    server: tuple[str, Received],
) -> None:
    base_url, received = server
    bot: ExtBot[None] = ExtBot(TOKEN, base_url=base_url, request=AiohttpRequest())
    choices = ((Choice("a:1:9", "好转"), Choice("a:2:9", "没变")),)
    message = Outgoing("第3天 <b>复查</b>", choices, reply_to="55")
    async with bot:
        await bot.send_message(
            42,
            message.text,
            parse_mode="HTML",
            reply_markup=inline_keyboard(message),
            message_thread_id=8,
            reply_to_message_id=55,
        )
        sent = await TelegramChannel(bot).transmit(
            Address(ChannelName.TELEGRAM, "42", "8"), message
        )
    assert sent.ref == "7"
    by_send_message, by_channel = received.requests
    assert by_channel == by_send_message
    assert json.loads(by_channel["fields"]["reply_markup"])["inline_keyboard"][0][1] == {
        "text": "没变",
        "callback_data": "a:2:9",
    }
