"""FakeTelegram served over loopback HTTP, optionally enforcing Telegram's flood limits.

Run as a process for benchmarks and crash tests:
    python -m tests.fakes.http_botapi --port 8181 [--limits]
GET /stats answers {"delivered", "unique", "duplicates", "rejected_429"}.
POST /updates queues an update (Bot API JSON, without update_id) for getUpdates, which
hands it out until a later offset confirms it, as Telegram does; the answer is its id.
GET /sent?chat_id=N lists the messages delivered to a chat (message_id, text, reply_markup);
GET /sent lists them for every chat, by chat id.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from tornado.httpserver import HTTPServer
from tornado.web import Application, RequestHandler

from bot.demo.fake_telegram import FakeTelegram

OVERALL = (30, 1.0)  # Telegram: 30 messages in any second overall
PRIVATE_CHAT = (3, 3.0)  # one a second to a private chat, a burst of three allowed
GROUP_CHAT = (20, 60.0)  # twenty a minute to a group (a negative chat id)


@dataclass
class Arrivals:
    """When the messages under one limit arrived, within the limit's last window."""

    count: int
    seconds: float
    times: deque[float] = field(default_factory=deque)

    def full(self, now: float) -> bool:
        """True when one more message now would make more than `count` in `seconds`."""
        while self.times and now - self.times[0] >= self.seconds:
            self.times.popleft()
        return len(self.times) >= self.count


@dataclass
class FloodLimits:
    """Telegram's limits over any window: 30 a second overall, one a second per private chat
    with a short burst, twenty a minute per group."""

    overall: Arrivals = field(default_factory=lambda: Arrivals(*OVERALL))
    by_chat: dict[int, Arrivals] = field(default_factory=dict)

    def retry_after(self, chat_id: int, now: float) -> int | None:
        """Return seconds to wait when this message would break a limit, else record it."""
        chat = self.by_chat.get(chat_id)
        if chat is None:
            chat = Arrivals(*(GROUP_CHAT if chat_id < 0 else PRIVATE_CHAT))
            self.by_chat[chat_id] = chat
        if self.overall.full(now) or chat.full(now):
            return 1
        self.overall.times.append(now)
        chat.times.append(now)
        return None


@dataclass
class UpdateQueue:
    """Incoming updates, kept until getUpdates is called with an offset beyond them."""

    pending: list[dict[str, Any]] = field(default_factory=list)
    next_id: int = 1
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    def add(self, update: dict[str, Any]) -> int:
        """Queue an update and return the id given to it."""
        update_id, self.next_id = self.next_id, self.next_id + 1
        self.pending.append({**update, "update_id": update_id})
        self.arrived.set()
        return update_id

    async def take(self, offset: int, wait: float) -> list[dict[str, Any]]:
        """Confirm the updates before offset; return the rest, waiting up to `wait` for one."""
        self.pending = [u for u in self.pending if u["update_id"] >= offset]
        if not self.pending:
            self.arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.arrived.wait(), wait)
        return list(self.pending)


@dataclass
class ServerState:
    fake: FakeTelegram = field(default_factory=FakeTelegram)
    limits: FloodLimits | None = None
    rejected: int = 0
    seen: Counter[tuple[int, str]] = field(default_factory=Counter)
    updates: UpdateQueue = field(default_factory=UpdateQueue)
    sent: dict[int, list[dict[str, Any]]] = field(default_factory=dict)

    def record_sent(self, params: dict[str, Any], result: dict[str, Any]) -> None:
        """Remember a delivered message: its id, text and buttons."""
        chat_id, markup = int(params["chat_id"]), params.get("reply_markup")
        self.seen[(chat_id, str(params.get("text", "")))] += 1
        self.sent.setdefault(chat_id, []).append(
            {
                "message_id": result["message_id"],
                "text": params.get("text", ""),
                "reply_markup": json.loads(markup) if isinstance(markup, str) else markup,
            }
        )

    def stats(self) -> dict[str, int]:
        """Return what was delivered, how many were duplicates and how many were refused."""
        delivered = sum(self.seen.values())
        unique = len(self.seen)
        return {
            "delivered": delivered,
            "unique": unique,
            "duplicates": delivered - unique,
            "rejected_429": self.rejected,
        }


class BotApiHandler(RequestHandler):
    def initialize(self, state: ServerState) -> None:
        self.state = state

    async def post(self, method: str) -> None:
        params = self._params()
        if method == "getUpdates":  # long polling: wait a little, as Telegram would
            hold = min(float(params.get("timeout", 0) or 0), 0.5)
            updates = await self.state.updates.take(int(params.get("offset", 0) or 0), hold)
            self._reply(200, {"ok": True, "result": updates})
            return
        if method == "sendMessage" and self.state.limits is not None:
            wait = self.state.limits.retry_after(int(params["chat_id"]), time.monotonic())
            if wait is not None:
                self.state.rejected += 1
                self._reply(429, too_many_requests(wait))
                return
        status, body = self.state.fake.answer(method, params)
        if method in ("sendMessage", "copyMessage") and status == 200:
            self.state.record_sent(params, body["result"])
            self.state.fake.calls.clear()
            self.state.fake.delivered.clear()
        self._reply(status, body)

    def _params(self) -> dict[str, Any]:
        content_type = self.request.headers.get("Content-Type", "")
        body = self.request.body.decode()
        if "json" in content_type:
            return dict(json.loads(body or "{}"))
        return dict(parse_qsl(body))

    def _reply(self, status: int, body: dict[str, Any]) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))


class StatsHandler(RequestHandler):
    def initialize(self, state: ServerState) -> None:
        self.state = state

    def get(self) -> None:
        self.finish(self.state.stats())


class UpdatesHandler(RequestHandler):
    def initialize(self, state: ServerState) -> None:
        self.state = state

    def post(self) -> None:
        self.finish({"update_id": self.state.updates.add(json.loads(self.request.body))})


class SentHandler(RequestHandler):
    def initialize(self, state: ServerState) -> None:
        self.state = state

    def get(self) -> None:
        chat_id = self.get_query_argument("chat_id", None)
        sent = self.state.sent if chat_id is None else self.state.sent.get(int(chat_id), [])
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(sent))


def too_many_requests(wait: int) -> dict[str, Any]:
    """Return Telegram's 429 answer."""
    return {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests",
        "parameters": {"retry_after": wait},
    }


def make_app(state: ServerState) -> Application:
    """Route /bot<token>/<method> to the fake; /stats, /updates and /sent to the test side."""
    return Application(
        [
            (r"/bot[^/]+/(\w+)", BotApiHandler, {"state": state}),
            (r"/stats", StatsHandler, {"state": state}),
            (r"/updates", UpdatesHandler, {"state": state}),
            (r"/sent", SentHandler, {"state": state}),
        ]
    )


async def serve(port: int, limits: bool) -> None:
    """Serve until cancelled, on 127.0.0.1 only."""
    state = ServerState(limits=FloodLimits() if limits else None)
    server = HTTPServer(make_app(state))
    server.listen(port, address="127.0.0.1")
    await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--limits", action="store_true")
    args = parser.parse_args()
    logging.getLogger("tornado.access").setLevel(logging.ERROR)  # 429s are counted in /stats
    asyncio.run(serve(args.port, args.limits))


if __name__ == "__main__":
    main()
