"""Several dispatcher processes on one database: no row twice, none lost; throughput.

Run: .venv/bin/python -m benchmarks.multi_dispatch [--messages 10000] [--chats 2000]
Compares, with Telegram's limits off (to measure the database, not the pacing): 1 process
on SQLite, 1 and 3 processes on PostgreSQL (FOLLOWUP_TEST_POSTGRES names the server; a
throwaway database is made and dropped for each run). Each process runs the dispatcher of
`followup run` until nothing is left; the fake Bot API counts what arrived.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from benchmarks.common import ROOT, fake_stats, start_fake_botapi
from benchmarks.dispatch_throughput import bench_messages, dispatch_all
from bot.storage import migrate
from bot.storage.schema import contacts, departments, episodes, patients
from bot.storage.schema import scheduled_messages as m
from bot.storage.store import Store
from bot.templating import Renderer

UNLIMITED = 100_000.0


async def fill(url: str, chats: int, messages: int) -> None:
    """Migrate the database at url and add `messages` due rows spread over `chats` chats."""
    now = datetime.now(UTC)
    due = now - timedelta(minutes=1)
    store = Store.open(url)
    try:
        await migrate.upgrade(store.engine)
        async with store.engine.begin() as conn:
            await conn.execute(insert(departments).values(id=1, name="呼吸科"))
            await conn.execute(insert(patients), [_patient(i, now) for i in _ids(chats)])
            await conn.execute(insert(episodes), [_episode(i, now) for i in _ids(chats)])
            await conn.execute(insert(contacts), [_contact(i, now) for i in _ids(chats)])
            rows = [_row(n, n % chats + 1, due, now) for n in range(messages)]
            await conn.execute(insert(m), rows)
    finally:
        await store.close()


def _ids(count: int) -> range:
    return range(1, count + 1)


def _patient(i: int, now: datetime) -> dict[str, Any]:
    return {
        "id": i,
        "hospital_no": f"M{i:07d}",
        "name": f"患者{i}",
        "created_at": now,
        "updated_at": now,
    }


def _episode(i: int, now: datetime) -> dict[str, Any]:
    return {
        "id": i,
        "patient_id": i,
        "department_id": 1,
        "discharged_at": now,
        "consent": True,
        "imported_at": now,
        "updated_at": now,
    }


def _contact(i: int, now: datetime) -> dict[str, Any]:
    return {
        "id": i,
        "patient_id": i,
        "episode_id": i,
        "chat_id": 10_000 + i,
        "user_id": 10_000 + i,
        "respondent": "patient",
        "consent": "granted",
        "consent_at": now,
        "locale": "zh_CN",
        "reachable": True,
        "created_at": now,
    }


def _row(n: int, contact: int, due: datetime, now: datetime) -> dict[str, Any]:
    return {
        "contact_id": contact,
        "patient_id": contact,
        "episode_id": contact,
        "step_key": "bench",
        "occurrence": n,
        "kind": "message",
        "template": "bench/message",
        "payload": {"n": n},
        "due_at": due,
        "send_at": due,
        "status": "pending",
        "attempts": 0,
        "tries": 0,
        "answer_timeout_s": 86400,
        "created_at": now,
        "updated_at": now,
    }


def run(url: str, processes: int, messages: int, chats: int) -> dict[str, float]:
    """Fill the database, run the dispatcher processes until done, count what arrived."""
    asyncio.run(fill(url, chats, messages))
    with tempfile.TemporaryDirectory() as folder:
        bench_messages(Path(folder))
        server, port = start_fake_botapi(limits=False)
        try:
            started = time.perf_counter()
            children = [_child(url, port, folder) for _ in range(processes)]
            codes = [child.wait(timeout=600) for child in children]
            elapsed = time.perf_counter() - started
            stats = fake_stats(port)
        finally:
            server.kill()
    if any(codes):
        raise RuntimeError(f"a dispatcher process failed: exit codes {codes}")
    return {
        "processes": processes,
        "messages": messages,
        "seconds": elapsed,
        "rate": stats["unique"] / elapsed,
        "lost": messages - stats["unique"],
        "duplicates": stats["duplicates"],
        "recorded_sent": asyncio.run(_count_sent(url)),
    }


def _child(url: str, port: int, folder: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "benchmarks.multi_dispatch", "--child"]
    command += ["--url", url, "--port", str(port), "--messages-dir", folder]
    return subprocess.Popen(command, cwd=ROOT)


async def _count_sent(url: str) -> int:
    store = Store.open(url)
    try:
        return len(await store.outbox.rows(m.c.status == "sent"))
    finally:
        await store.close()


def child_main(url: str, port: int, folder: Path) -> None:
    """One dispatcher process: send until a run finds nothing left to claim."""
    asyncio.run(dispatch_all(url, port, UNLIMITED, 0.0, Renderer(folder), limits=False))


async def _postgres_database(name: str, drop: bool = False) -> str:
    import asyncpg

    from tests.backends import SERVER, postgres_url

    connection = await asyncpg.connect(SERVER)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop:
            await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return postgres_url(name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--chats", type=int, default=2_000)
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--url")
    parser.add_argument("--port", type=int)
    parser.add_argument("--messages-dir", type=Path)
    args = parser.parse_args()
    if args.child:
        child_main(args.url, args.port, args.messages_dir)
        return
    results = []
    with tempfile.TemporaryDirectory() as folder:
        sqlite = f"sqlite+aiosqlite:///{folder}/bench.db"
        results.append(("SQLite", run(sqlite, 1, args.messages, args.chats)))
    for processes in (1, 3):
        name = f"followup_bench_{processes}"
        url = asyncio.run(_postgres_database(name))
        try:
            results.append(("PostgreSQL", run(url, processes, args.messages, args.chats)))
        finally:
            asyncio.run(_postgres_database(name, drop=True))
    print(f"{'':26}{'msg/s':>10}{'seconds':>10}{'lost':>6}{'dup':>6}{'recorded':>10}")
    for label, r in results:
        name = f"{label}, {r['processes']:.0f} process{'es' if r['processes'] > 1 else ''}"
        print(
            f"{name:26}{r['rate']:>10.1f}{r['seconds']:>10.2f}{r['lost']:>6.0f}"
            f"{r['duplicates']:>6.0f}{r['recorded_sent']:>10.0f}"
        )


if __name__ == "__main__":
    main()
