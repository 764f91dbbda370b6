"""Crash tests: `followup run` and `followup import` as real processes, killed with SIGKILL.

Shared by benchmarks/crash_test.py (the full run) and tests/test_crash.py (a short one).
The bot talks to the fake Bot API over loopback HTTP (tests/fakes/http_botapi.py); what it
delivered is counted there, what it recorded is read from its SQLite file.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.common import (
    fake_stats,
    fill_outbox,
    migrated_sqlite,
    minutes_ago,
    start_fake_botapi,
)
from bot.demo.fake_telegram import TOKEN
from bot.services.medicine_plan import MEDICATION_TEMPLATE
from bot.services.planning import load_scheduling
from bot.settings import ENV_PREFIX, Settings
from bot.templating import Renderer

# Settings of every process started here: messages at any hour, a tick a second, a short
# lease so that rows held by a killed process come back soon.
SETTINGS = {
    "hospital_name": "市第一人民医院",
    "send_windows": "00:00-23:59",
    "skip_holidays": "false",
    "dispatch_interval": "1",
    "lease_seconds": "10",
    "rate": "25",
}
PATIENCE = 180.0  # seconds to wait for anything on a slow shared machine before giving up


class CrashTestError(RuntimeError):
    """The scenario could not be carried out (not a failed requirement)."""


def wait_until(condition: Callable[[], bool], what: str, timeout: float = PATIENCE) -> None:
    """Poll condition every 50 ms; raise CrashTestError naming `what` after timeout."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise CrashTestError(f"gave up after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


def query(database: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    """Run a read-only query on the bot's database while the bot may be writing to it."""
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)) as db:
        return db.execute(sql, params).fetchall()


def current_fingerprint() -> str:
    """Return the plans' fingerprint under SETTINGS: seeded contacts are not re-planned."""
    values: dict[str, Any] = {"telegram_token": TOKEN, **SETTINGS}
    settings = Settings(_env_file=None, **values)
    return load_scheduling(settings, Renderer()).fingerprint


@dataclass
class Followup:
    """Runs `followup` commands as real processes on one database; their output goes to a log."""

    folder: Path
    database: Path
    port: int = 0  # the fake Bot API, for `run`
    log: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log = self.folder / f"{self.database.stem}.log"

    def env(self) -> dict[str, str]:
        """Return the environment: this machine's, without its FOLLOWUP_*, plus SETTINGS."""
        inherited = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIX)}
        ours = {f"{ENV_PREFIX}{key.upper()}": value for key, value in SETTINGS.items()}
        return {
            **inherited,
            **ours,
            f"{ENV_PREFIX}TELEGRAM_TOKEN": TOKEN,
            f"{ENV_PREFIX}TELEGRAM_BASE_URL": f"http://127.0.0.1:{self.port}/bot",
            f"{ENV_PREFIX}DATABASE_URL": f"sqlite+aiosqlite:///{self.database}",
        }

    def start(self, *arguments: str) -> subprocess.Popen[bytes]:
        """Start `followup ARGUMENTS` (cwd: the scratch folder, so no .env is read)."""
        with self.log.open("ab") as log:
            return subprocess.Popen(
                [sys.executable, "-m", "bot", *arguments],
                cwd=self.folder,
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    @contextlib.contextmanager
    def running(self, *arguments: str) -> Iterator[subprocess.Popen[bytes]]:
        """Start `followup ARGUMENTS`; kill it on the way out if it still runs (on errors)."""
        process = self.start(*arguments)
        try:
            yield process
        finally:
            if process.poll() is None:
                kill(process)

    def log_tail(self) -> str:
        """Return the end of the log, for a failure message."""
        return self.log.read_text(encoding="utf-8", errors="replace")[-3000:]


def kill(process: subprocess.Popen[Any]) -> bool:
    """SIGKILL the process; say whether it was still running (not already exited)."""
    process.kill()
    process.wait(timeout=30)
    return process.returncode == -signal.SIGKILL


def stop(process: subprocess.Popen[bytes]) -> int:
    """Stop `followup run` as an operator would (Ctrl-C) and return its exit code."""
    process.send_signal(signal.SIGINT)
    try:
        return process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait(timeout=30)


def loopback(port: int, path: str, body: dict[str, Any] | None = None) -> Any:
    """GET (or POST JSON to) the fake Bot API's test side and return its JSON answer."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data)
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


# ---------------------------------------------------------------- the outbox under kill -9


@dataclass(frozen=True)
class Kill:
    """One kill: how long after that process's first delivery, and what was delivered by then."""

    number: int
    after_seconds: float
    delivered: int


@dataclass
class OutboxResult:
    messages: int
    chats: int
    seed: int
    kills: list[Kill]
    delivered: int  # sendMessage calls the fake accepted
    unique: int
    duplicates: int
    rejected_429: int
    not_delivered: int  # rows no delivered message carries
    not_recorded: int  # rows not marked sent in the database
    lost: int  # rows not delivered or not recorded
    seconds: float

    def problems(self) -> list[str]:
        """Return the requirements this run broke (none: it passed)."""
        found = []
        if self.lost:
            found.append(f"{self.lost} messages lost")
        if self.duplicates > len(self.kills):
            found.append(f"{self.duplicates} duplicates after {len(self.kills)} kills")
        return found


def drug(n: int) -> str:
    """Return row n's medicine name: every row's text differs, so the fake can tell them."""
    return f"药品{n:05d}"


def outbox_crash(
    folder: Path, messages: int, chats: int, kills: int, seed: int, limits: bool = True
) -> OutboxResult:
    """Seed due medicine reminders, kill the sending bot `kills` times, then let it finish."""
    rng = random.Random(seed)
    database = folder / "outbox.db"
    migrated_sqlite(database)
    fill_outbox(
        database,
        chats,
        messages,
        MEDICATION_TEMPLATE,
        minutes_ago(1),
        current_fingerprint(),
        kind="medication",
        payload=lambda n: {"drug": drug(n), "dose": "", "time": "08:00"},
    )
    server, port = start_fake_botapi(limits)
    followup = Followup(folder, database, port)
    sending = messages / float(SETTINGS["rate"])  # seconds, at the configured rate
    span = sending / (kills + 1)  # on average the kills come in the first half of the sending
    done: list[Kill] = []
    started = time.perf_counter()
    try:
        for number in range(1, kills + 1):
            done.append(_kill_while_sending(followup, number, rng.uniform(0.0, span)))
        with followup.running("run") as bot:
            wait_until(
                lambda: not pending(database), "every row to be finished", PATIENCE + sending
            )
            seconds = time.perf_counter() - started
            stop(bot)
        stats = fake_stats(port)
        sent = loopback(port, "/sent")
    finally:
        kill(server)
    return _count(database, messages, chats, seed, done, stats, sent, seconds)


def pending(database: Path) -> int:
    """Return how many rows are still to be sent (or retried)."""
    return int(
        query(database, "SELECT count(*) FROM scheduled_messages WHERE status = 'pending'")[0][0]
    )


def _kill_while_sending(followup: Followup, number: int, delay: float) -> Kill:
    before = fake_stats(followup.port)["delivered"]
    with followup.running("run") as bot:

        def delivering() -> bool:
            if bot.poll() is not None:
                raise CrashTestError(f"followup run exited early:\n{followup.log_tail()}")
            return bool(fake_stats(followup.port)["delivered"] > before)

        wait_until(delivering, f"run {number} to send")
        time.sleep(delay)
        if not kill(bot):
            raise CrashTestError(f"followup run ended before kill {number}:\n{followup.log_tail()}")
    return Kill(number, delay, fake_stats(followup.port)["delivered"])


def _count(
    database: Path,
    messages: int,
    chats: int,
    seed: int,
    kills: list[Kill],
    stats: dict[str, int],
    sent: dict[str, list[dict[str, Any]]],
    seconds: float,
) -> OutboxResult:
    texts = {int(chat): " ".join(m["text"] for m in items) for chat, items in sent.items()}
    rows = query(
        database,
        "SELECT m.occurrence, c.chat_id, m.status FROM scheduled_messages m "
        "JOIN contacts c ON c.id = m.contact_id",
    )
    not_delivered = {n for n, chat, _ in rows if drug(n) not in texts.get(chat, "")}
    not_recorded = {n for n, _, status in rows if status != "sent"}
    return OutboxResult(
        messages=messages,
        chats=chats,
        seed=seed,
        kills=kills,
        delivered=stats["delivered"],
        unique=stats["unique"],
        duplicates=stats["duplicates"],
        rejected_429=stats["rejected_429"],
        not_delivered=len(not_delivered),
        not_recorded=len(not_recorded),
        lost=len(not_delivered | not_recorded) + messages - len(rows),
        seconds=seconds,
    )
