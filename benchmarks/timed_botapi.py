"""The loopback fake Bot API, noting when each update was handed out and each reply arrived.

Run as a process by benchmarks/interactive_latency.py:
    python -m benchmarks.timed_botapi --port 8181
Times are time.monotonic() of this process. GET /bench?since=N answers the stamps from the
N-th on (sendMessage and answerCallbackQuery: method, arrival, chat, callback query id, the
buttons' data, the message id given), when getUpdates first handed out each update, and the
steady patients' presses from ?presses=N on; POST /bench with a JSON list of updates queues
them all at once and answers their ids; POST /patients sets the steady patients
(benchmarks/latency_patients.py), who press their answers as questions reach them.
No flood limits: the bot's own limiter is what is measured.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from tornado.httpserver import HTTPServer
from tornado.web import Application, RequestHandler

from benchmarks.common import ROOT, free_port
from benchmarks.latency_patients import SteadyPatients
from tests.fakes.http_botapi import BotApiHandler, ServerState, UpdateQueue

TIMED = ("sendMessage", "answerCallbackQuery")


@dataclass
class TimedUpdates(UpdateQueue):
    """Updates that remember when getUpdates first handed each one out."""

    handed_out: dict[int, float] = field(default_factory=dict)

    async def take(self, offset: int, wait: float) -> list[dict[str, Any]]:
        updates = await super().take(offset, wait)
        now = time.monotonic()
        for handed in updates:
            self.handed_out.setdefault(handed["update_id"], now)
        return updates


@dataclass
class TimedState(ServerState):
    updates: TimedUpdates = field(default_factory=TimedUpdates)
    stamps: list[dict[str, Any]] = field(default_factory=list)
    patients: SteadyPatients = field(init=False)

    def __post_init__(self) -> None:
        self.patients = SteadyPatients(self.updates.add)


class TimedBotApi(BotApiHandler):
    """The fake Bot API; notes when each message and callback answer arrived."""

    state: TimedState

    async def post(self, method: str) -> None:
        arrived = time.monotonic()
        await super().post(method)
        if method not in TIMED:
            return
        params = self._params()
        markup = params.get("reply_markup")
        buttons = json.loads(markup)["inline_keyboard"] if markup else []
        chat = int(params["chat_id"]) if "chat_id" in params else None
        sent = self.state.sent.get(chat, []) if chat is not None else []
        data = [str(button.get("callback_data")) for row in buttons for button in row]
        message_id = int(sent[-1]["message_id"]) if sent else None
        stamp = {"method": method, "at": arrived, "chat": chat, "data": data}
        stamp |= {"query": params.get("callback_query_id"), "message_id": message_id}
        self.state.stamps.append(stamp)
        if method == "sendMessage":
            self.state.patients.heard(chat, message_id, data)


class BenchHandler(RequestHandler):
    """GET: the stamps from ?since=N and the hand-out times; POST: queue a burst of updates."""

    def initialize(self, state: TimedState) -> None:
        self.state = state

    def get(self) -> None:
        since = int(self.get_query_argument("since", "0"))
        pressed = int(self.get_query_argument("presses", "0"))
        handed_out = self.state.updates.handed_out
        presses = self.state.patients.presses[pressed:]
        body = {"stamps": self.state.stamps[since:], "handed_out": handed_out}
        self.finish(body | {"presses": presses})

    def post(self) -> None:
        ids = [self.state.updates.add(update) for update in json.loads(self.request.body)]
        self.finish({"update_ids": ids})


class PatientsHandler(RequestHandler):
    """POST: set the steady patients (chats, complaining, think, seed)."""

    def initialize(self, state: TimedState) -> None:
        self.state = state

    def post(self) -> None:
        patients = self.state.patients
        patients.configure(json.loads(self.request.body))
        for chat in patients.chats:  # each answers the question already before them
            last = self.state.sent.get(chat, [])[-1:]
            markup = last[0]["reply_markup"] if last and last[0]["reply_markup"] else {}
            rows = markup.get("inline_keyboard", [])
            data = [str(button.get("callback_data")) for row in rows for button in row]
            patients.heard(chat, int(last[0]["message_id"]) if last else None, data)
        self.finish({"patients": len(self.state.patients.chats)})


async def serve(port: int) -> None:
    """Serve until killed, on 127.0.0.1 only."""
    state = TimedState()
    api: tuple[str, type[RequestHandler], dict[str, Any]] = (
        r"/bot[^/]+/(\w+)",
        TimedBotApi,
        {"state": state},
    )
    routes = [api, (r"/bench", BenchHandler, {"state": state})]
    routes.append((r"/patients", PatientsHandler, {"state": state}))
    HTTPServer(Application(routes)).listen(port, address="127.0.0.1")
    await asyncio.Event().wait()


def start() -> tuple[subprocess.Popen[bytes], int]:
    """Start the fake in its own process and wait until it answers; return it and its port."""
    port = free_port()
    command = [sys.executable, "-m", "benchmarks.timed_botapi", "--port", str(port)]
    process = subprocess.Popen(command, cwd=ROOT)
    for _ in range(200):
        try:
            httpx.get(f"http://127.0.0.1:{port}/bench?since=0", timeout=2)
            return process, port
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the fake Bot API did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    asyncio.run(serve(parser.parse_args().port))


if __name__ == "__main__":
    main()
