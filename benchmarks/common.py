"""Shared set-up for benchmarks: a migrated SQLite file filled fast with raw sqlite3."""

from __future__ import annotations

import asyncio
import json
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.storage import migrate
from bot.storage.database import create_engine

ROOT = Path(__file__).resolve().parent.parent


def migrated_sqlite(path: Path) -> str:
    """Create a SQLite file at path, migrated to head; return its URL."""
    url = f"sqlite+aiosqlite:///{path}"

    async def run() -> None:
        engine = create_engine(url)
        await migrate.upgrade(engine)
        await engine.dispose()

    asyncio.run(run())
    return url


def fill_outbox(
    path: Path,
    chats: int,
    messages: int,
    template: str,
    send_at: datetime,
    fingerprint: str | None = None,
    *,
    kind: str = "message",
    survey: str | None = None,
    payload: Callable[[int], dict[str, object]] = lambda n: {"n": n},
) -> None:
    """Insert `chats` consenting contacts and `messages` rows spread over them.

    With `fingerprint`, the contacts count as planned with the current plans (a normal
    restart); without, the first dispatcher ticks re-plan them. Rows are of `kind` (with
    `survey` for check-ins); row n carries `payload(n)`.
    """
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    due = send_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    db = sqlite3.connect(path)
    db.execute("INSERT INTO departments (id, name) VALUES (1, '呼吸科')")
    db.executemany(
        "INSERT INTO patients (id, hospital_no, name, created_at, updated_at) VALUES (?,?,?,?,?)",
        ((i, f"B{i:07d}", f"患者{i}", stamp, stamp) for i in range(1, chats + 1)),
    )
    db.executemany(
        "INSERT INTO episodes (id, patient_id, department_id, discharged_at, consent, "
        "imported_at, updated_at) VALUES (?,?,1,?,1,?,?)",
        ((i, i, stamp, stamp, stamp) for i in range(1, chats + 1)),
    )
    db.executemany(
        "INSERT INTO contacts (id, patient_id, episode_id, chat_id, user_id, respondent, "
        "consent, consent_at, locale, reachable, plan_key, plan_fingerprint, created_at) "
        "VALUES (?,?,?,?,?,'patient','granted',?,'zh_CN',1,'general',?,?)",
        ((i, i, i, 10_000 + i, 10_000 + i, stamp, fingerprint, stamp) for i in range(1, chats + 1)),
    )
    db.executemany(
        "INSERT INTO scheduled_messages (contact_id, patient_id, episode_id, step_key, "
        "occurrence, kind, template, survey, payload, due_at, send_at, status, attempts, "
        "tries, answer_timeout_s, created_at, updated_at) "
        "VALUES (?,?,?,'bench',?,?,?,?,?,?,?,'pending',0,0,86400,?,?)",
        (
            (c, c, c, n, kind, template, survey, json.dumps(payload(n)), due, due, stamp, stamp)
            for n in range(messages)
            for c in [n % chats + 1]
        ),
    )
    db.commit()
    db.close()


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_fake(
    module: str, answers: Callable[[int], object], *args: str
) -> tuple[subprocess.Popen[bytes], int]:
    """Start a loopback fake (`python -m module --port P args`) in its own process and wait
    until `answers(port)` no longer fails to connect."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", module, "--port", str(port), *args], cwd=ROOT)
    for _ in range(100):
        try:
            answers(port)
            return process, port
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{module} did not start")


def start_fake_botapi(limits: bool) -> tuple[subprocess.Popen[bytes], int]:
    """Start the loopback fake Bot API in its own process and wait until it answers."""
    return start_fake("tests.fakes.http_botapi", fake_stats, *(["--limits"] if limits else []))


def fake_stats(port: int) -> dict[str, int]:
    """Read the fake Bot API's counters."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/stats", timeout=2) as answer:
        return dict(json.loads(answer.read()))


async def postgres_admin(url: str, statement: str) -> None:
    """Run one statement (CREATE or DROP DATABASE) on the PostgreSQL server of url."""
    import asyncpg

    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def minutes_ago(minutes: int) -> datetime:
    """Return an aware UTC time some minutes in the past."""
    return datetime.now(UTC) - timedelta(minutes=minutes)
