"""Benchmark: time from a patient's press to the bot's answer, while the dispatcher sends.

Run: .venv/bin/python -m benchmarks.interactive_latency [--patients 200] [--rate 29]
     [--mode both|steady|burst] [--duration 60] [--cases 50] [--no-limiter] [--json PATH]
     [--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/postgres]
The real Application runs as `followup run` does (long polling, the JobQueue's dispatcher,
Telegram's flood limiter unless --no-limiter) against the fake Bot API over loopback HTTP,
in its own process (benchmarks/timed_botapi.py), where the patients are played
(benchmarks/latency_patients.py). Other chats get education steps, enough to keep the
dispatcher sending at `rate` to the end.
Steady: `patients` patients each answer their check-in question by question, pressing 1-3 s
(seeded) after each question reaches them, for up to `duration` seconds; with --cases N, N
of them answer 不满意 about the doctors, which opens a complaint posted to the staff group
(Telegram: 20 messages a minute to a group). Burst: as many other patients press an answer
at once (one getUpdates answer carries them all). Per press: from the fake handing the
update out to the bot until the bot's next message to that chat reaches the fake (both on
the machine's monotonic clock; no network delay is added). Without --database-url a SQLite
file is used; with one, a throwaway database is made on that server and dropped after.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import math
import random
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import update
from sqlalchemy.engine import make_url
from telegram import Update

from benchmarks import timed_botapi
from benchmarks.common import postgres_admin
from benchmarks.latency_figures import Seen, figures, ms, print_figures
from benchmarks.latency_patients import press_update
from benchmarks.latency_seed import PATIENT_CHATS, STAFF_CHAT, seed, settings_for
from bot.app import build_app
from bot.domain.messages import MessageStatus
from bot.settings import Settings
from bot.storage.schema import scheduled_messages as m

THINK = (1.0, 3.0)  # seconds a steady patient takes to press after a question arrives
SEED = 20


def chat_range(first: int, count: int) -> list[int]:
    """Return the chats of patients first+1 .. first+count."""
    return [PATIENT_CHATS + i for i in range(first + 1, first + count + 1)]


async def wait_for(seen: Seen, done: Any, timeout: float) -> None:
    """Refresh every half second until done(seen) or the timeout."""
    deadline = time.monotonic() + timeout
    while not done(seen) and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        await seen.refresh()


async def steady(seen: Seen, chats: list[int], args: argparse.Namespace) -> dict[str, Any]:
    """Let the patients answer their check-ins as people do, for up to `duration` seconds."""
    complaining = random.Random(SEED).sample(chats, min(args.cases, len(chats)))
    body = {"chats": chats, "complaining": complaining, "think": THINK, "seed": SEED}
    await seen.client.post("/patients", content=json.dumps(body))
    start, pressed = time.monotonic(), len(seen.presses)
    await wait_for(seen, lambda s: all(s.finished(chat) for chat in chats), args.duration)
    await seen.client.post("/patients", content=json.dumps({"chats": [], "think": THINK}))
    await asyncio.sleep(1.0)  # the last presses' answers
    await seen.refresh()
    result = figures(seen, seen.presses[pressed:], set(chat_range(0, 2 * args.patients)))
    posts = [s for s in seen.stamps if s["chat"] == STAFF_CHAT and s["method"] == "sendMessage"]
    result |= {"complaints": len(complaining), "staff_posts": len(posts)}
    result["wall"] = time.monotonic() - start
    return result


async def burst(seen: Seen, chats: list[int], timeout: float) -> dict[str, Any]:
    """Press an answer to the first question in every chat at once, time the answers."""
    firsts = seen.questions(set(chats), "good_time")
    presses = [
        {
            "chat": chat,
            "query": f"burst{chat}",
            "message_id": first["message_id"],
            "data": next(d for d in first["data"] if d.endswith(":good_time:yes")),
        }
        for chat, first in sorted(firsts.items())
    ]
    updates = [press_update(p["chat"], p["message_id"], p["data"], p["query"]) for p in presses]
    answer = await seen.client.post("/bench", content=json.dumps(updates))
    for press, update_id in zip(presses, answer.json()["update_ids"], strict=True):
        press["update_id"] = update_id
    await wait_for(seen, lambda s: len(s.questions(set(chats), "condition")) == len(chats), timeout)
    return figures(seen, presses, set(chat_range(0, 2 * len(chats))))


async def drive(port: int, args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    """Wait for every first question, then run the modes asked for, steady first."""
    steady_chats, burst_chats = (
        chat_range(0, args.patients),
        chat_range(args.patients, args.patients),
    )
    everyone = set(steady_chats + burst_chats)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
        seen = Seen(client)
        await wait_for(
            seen, lambda s: len(s.questions(everyone, "good_time")) == len(everyone), 600
        )
        if len(seen.questions(everyone, "good_time")) < len(everyone):
            raise RuntimeError("not every check-in went out")
        results: dict[str, dict[str, Any]] = {}
        if args.mode in ("both", "steady"):
            results["steady"] = await steady(seen, steady_chats, args)
        if args.mode in ("both", "burst"):
            results["burst"] = await burst(seen, burst_chats, args.timeout)
        return results


async def run_bot(url: str, port: int, args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    """Start the Application as run_polling does, seed after migrating, measure, stop."""
    app = build_app(settings_for(url, port, args.rate), rate_limit=not args.no_limiter)
    await app.initialize()
    assert app.post_init is not None and app.updater is not None
    await app.post_init(app)
    services = app.bot_data.services
    assert services is not None
    bulk = int(args.rate * (args.duration + args.timeout + 120))
    await seed(services.store.engine, 2 * args.patients, bulk, services.scheduling.fingerprint)
    await app.updater.start_polling(allowed_updates=Update.ALL_TYPES)
    await app.start()
    try:
        return await drive(port, args)
    finally:
        async with services.store.engine.begin() as conn:  # the dispatcher's run ends sooner
            pending = m.c.status == MessageStatus.PENDING.value
            await conn.execute(
                update(m).where(pending).values(status=MessageStatus.CANCELLED.value)
            )
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        assert app.post_shutdown is not None
        await app.post_shutdown(app)


def measure(args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    """Start the fake, make the database, run the bot against both, clean up."""
    fake, port = timed_botapi.start()
    name = f"followup_latency_{uuid.uuid4().hex[:8]}"
    try:
        if args.database_url is None:
            with tempfile.TemporaryDirectory() as folder:
                url = f"sqlite+aiosqlite:///{Path(folder) / 'latency.db'}"
                return asyncio.run(run_bot(url, port, args))
        asyncio.run(postgres_admin(args.database_url, f'CREATE DATABASE "{name}"'))
        try:
            server = make_url(args.database_url).set(database=name)
            url = server.render_as_string(hide_password=False)
            return asyncio.run(run_bot(url, port, args))
        finally:
            asyncio.run(postgres_admin(args.database_url, f'DROP DATABASE "{name}" WITH (FORCE)'))
    finally:
        fake.kill()


def report(results: dict[str, dict[str, Any]], args: argparse.Namespace) -> dict[str, float]:
    """Print each mode's table; return the figures for --json."""
    backend = "SQLite" if args.database_url is None else "PostgreSQL"
    limiter = "without" if args.no_limiter else "with"
    mode = f"{args.patients} patients a mode, rate {args.rate}/s"
    print(f"{backend}, {mode}, {limiter} the flood limiter")
    found: dict[str, float] = {}
    if "steady" in results:
        result = results["steady"]
        print_figures(
            f"steady: each patient presses {THINK[0]:.0f}-{THINK[1]:.0f} s after a question", result
        )
        posts = f"{result['staff_posts']} posts reached the staff group"
        print(f"complaints {result['complaints']}: {posts}")
        found |= {
            "steady_p50_ms": ms(result["latency"], 0.5),
            "steady_p99_ms": ms(result["latency"], 0.99),
        }
        found |= {"own_p50_ms": ms(result["own"], 0.5), "own_p99_ms": ms(result["own"], 0.99)}
        found["bulk_msg_per_s"] = round(result["bulk_rate"], 2)
    if "burst" in results:
        result = results["burst"]
        print_figures("burst: every patient presses at once (one getUpdates answer)", result)
        found |= {
            "burst_p50_ms": ms(result["latency"], 0.5),
            "burst_p99_ms": ms(result["latency"], 0.99),
        }
        found.setdefault("bulk_msg_per_s", round(result["bulk_rate"], 2))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=200, help="Patients in each mode.")
    parser.add_argument("--database-url", help="postgresql+asyncpg://user:password@host:port/db")
    parser.add_argument(
        "--rate",
        type=float,
        default=Settings.model_fields["rate"].default,
        help="The dispatcher's msg/s (default: FOLLOWUP_RATE's).",
    )
    parser.add_argument("--mode", choices=("both", "steady", "burst"), default="both")
    parser.add_argument(
        "--duration", type=float, default=180.0, help="Steady mode's longest run, s."
    )
    parser.add_argument("--cases", type=int, default=0, help="Steady patients who complain.")
    parser.add_argument(
        "--timeout", type=float, default=300.0, help="Seconds to wait for a burst's answers."
    )
    parser.add_argument("--no-limiter", action="store_true", help="Without the flood limiter.")
    parser.add_argument("--json", type=Path, help="Write the figures to this file.")
    args = parser.parse_args()
    logging.getLogger("apscheduler").setLevel(logging.ERROR)  # "skipped: already running"
    if args.database_url is not None and not args.database_url.startswith("postgresql"):
        parser.error("--database-url must name a PostgreSQL server")
    found = report(measure(args), args)
    if args.json is not None:
        known = {name: None if math.isnan(value) else value for name, value in found.items()}
        args.json.write_text(json.dumps({"figures": known}, indent=2) + "\n")


if __name__ == "__main__":
    main()
