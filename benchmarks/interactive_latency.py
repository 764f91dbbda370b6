"""Benchmark: time from a check-in button press to the next question, while the dispatcher sends.

Run: .venv/bin/python -m benchmarks.interactive_latency [--patients 200] [--rate 25]
     [--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/postgres]
The real Application runs as `followup run` does (long polling, the JobQueue's dispatcher,
Telegram's flood limiter) against the fake Bot API over loopback HTTP, in its own process
(benchmarks/timed_botapi.py).
`patients` chats get a check-in (checkin_first) and other chats education steps, enough to
keep the dispatcher sending at `rate` to the end. Once every check-in's first question is
out, every patient presses an answer at once (one getUpdates answer carries them all). Per
press: from the fake handing the update out to the bot, until the bot's sendMessage with the
next question reaches the fake (both on the fake's clock; no network delay is added).
Without --database-url a SQLite file is used; with one, a throwaway database is made on that
PostgreSQL server and dropped afterwards. --no-limiter leaves out the flood limiter (30
requests a second for all chats, which the dispatcher fills to `rate`), to see the bot's
own work per press beneath the limiter's pacing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import math
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, update
from sqlalchemy.engine import make_url
from telegram import Update

from benchmarks import timed_botapi
from bot.app import build_app
from bot.demo.fake_telegram import BOT_ID, TOKEN
from bot.settings import Settings
from bot.storage.schema import contacts, departments, episodes, patients
from bot.storage.schema import scheduled_messages as m

PATIENT_CHATS = 100_000  # patient i's chat is PATIENT_CHATS + i; bulk chats come after
BULK_SECONDS = 240  # education steps enough for this long at the rate
ROWS = (  # what the report prints: label, figure
    ("press -> next question sent", "latency"),
    ("press -> callback answered", "handler"),  # mostly waiting for the presses before it
    ("callback answered -> next question", "own"),  # this press's own handling
)


def _people(count: int, now: datetime, fingerprint: str) -> dict[str, list[dict[str, Any]]]:
    ids, times = range(1, count + 1), {"created_at": now, "updated_at": now}
    return {
        "patients": [
            {"id": i, "hospital_no": f"L{i:07d}", "name": f"患者{i}"} | times for i in ids
        ],
        "episodes": [
            {"id": i, "patient_id": i, "department_id": 1, "consent": True, "imported_at": now}
            | {"discharged_at": now - timedelta(days=3), "updated_at": now}
            for i in ids
        ],
        "contacts": [
            {"id": i, "patient_id": i, "episode_id": i, "chat_id": PATIENT_CHATS + i}
            | {"user_id": PATIENT_CHATS + i, "respondent": "patient", "consent": "granted"}
            | {"consent_at": now, "locale": "zh_CN", "reachable": True, "created_at": now}
            | {"plan_key": "general", "plan_fingerprint": fingerprint}
            for i in ids
        ],
    }


def _step(contact: int, step: str, survey: str | None, due: datetime) -> dict[str, Any]:
    kind, template = ("checkin", f"{step}_checkin") if survey else ("education", step)
    row = {"contact_id": contact, "patient_id": contact, "episode_id": contact, "kind": kind}
    row |= {"step_key": step, "occurrence": 0, "template": f"plans/general/{template}"}
    row |= {"survey": survey, "payload": {}, "status": "pending", "answer_timeout_s": 86400}
    return row | {"due_at": due, "send_at": due, "created_at": due, "updated_at": due}


async def seed(engine: Any, patient_count: int, bulk: int, fingerprint: str) -> None:
    """Add the patients with a due check-in (sent first), then the bulk education chats."""
    now = datetime.now(UTC)
    people = _people(patient_count + bulk, now, fingerprint)
    early, later = now - timedelta(minutes=2), now - timedelta(minutes=1)
    steps = [_step(i, "day3", "checkin_first", early) for i in range(1, patient_count + 1)]
    everyone = range(patient_count + 1, patient_count + bulk + 1)
    steps += [_step(i, "day1_home_care", None, later) for i in everyone]
    async with engine.begin() as conn:
        await conn.execute(insert(departments).values(id=1, name="呼吸科"))
        for table in (patients, episodes, contacts):
            await conn.execute(insert(table), people[table.name])
        await conn.execute(insert(m), steps)


@dataclass
class Presses:
    """What the fake saw: every stamp so far and when each update was handed out."""

    client: httpx.AsyncClient
    stamps: list[dict[str, Any]] = field(default_factory=list)
    handed_out: dict[int, float] = field(default_factory=dict)

    async def refresh(self) -> None:
        answer = await self.client.get("/bench", params={"since": len(self.stamps)})
        body = answer.json()
        self.stamps.extend(body["stamps"])
        self.handed_out = {int(k): v for k, v in body["handed_out"].items()}

    def questions(self, chats: set[int], question: str) -> dict[int, dict[str, Any]]:
        """Return, per chat, the first message carrying buttons of `question`."""
        found: dict[int, dict[str, Any]] = {}
        for stamp in self.stamps:
            if stamp["chat"] in chats and any(f":{question}:" in d for d in stamp["data"]):
                found.setdefault(stamp["chat"], stamp)
        return found


def press_update(chat: int, message_id: int, data: str) -> dict[str, Any]:
    """Bot API JSON of a button press (the fake gives it its update_id)."""
    message = {"message_id": message_id, "date": int(time.time()), "text": "…"}
    message |= {"chat": {"id": chat, "type": "private"}}
    message |= {"from": {"id": BOT_ID, "is_bot": True, "first_name": "Followup"}}
    user = {"id": chat, "is_bot": False, "first_name": f"User{chat}"}
    query = {"id": f"press{chat}", "from": user, "chat_instance": str(chat)}
    return {"callback_query": query | {"message": message, "data": data}}


async def wait_for(presses: Presses, done: Any, timeout: float) -> None:
    """Refresh every half second until done(presses) or the timeout."""
    deadline = time.monotonic() + timeout
    while not done(presses) and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        await presses.refresh()


async def drive(app: Any, port: int, patient_count: int, timeout: float) -> dict[str, Any]:
    """Wait for every first question, press an answer in every chat at once, time the replies."""
    chats = {PATIENT_CHATS + i for i in range(1, patient_count + 1)}
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
        presses = Presses(client)
        await wait_for(presses, lambda p: len(p.questions(chats, "good_time")) == len(chats), 600)
        firsts = presses.questions(chats, "good_time")
        if len(firsts) < len(chats):
            raise RuntimeError(f"only {len(firsts)} of {len(chats)} check-ins went out")
        burst = [
            press_update(chat, first["message_id"], _patient_button(first["data"]))
            for chat, first in sorted(firsts.items())
        ]
        answer = await client.post("/bench", content=json.dumps(burst))
        ids = dict(zip(sorted(firsts), answer.json()["update_ids"], strict=True))
        await wait_for(
            presses, lambda p: len(p.questions(chats, "condition")) == len(chats), timeout
        )
        return figures(presses, ids, chats)


def _patient_button(data: list[str]) -> str:
    return next(d for d in data if d.endswith(":good_time:yes"))


def figures(presses: Presses, ids: dict[int, int], chats: set[int]) -> dict[str, Any]:
    """Latency per press, the wait before the handler ran, and the bulk rate meanwhile."""
    replies = presses.questions(chats, "condition")
    received = {
        chat: presses.handed_out[uid] for chat, uid in ids.items() if uid in presses.handed_out
    }
    latency = [replies[c]["at"] - received[c] for c in replies if c in received]
    acks = {s["query"]: s["at"] for s in presses.stamps if s["method"] == "answerCallbackQuery"}
    handler = [acks[f"press{c}"] - received[c] for c in received if f"press{c}" in acks]
    own = [replies[c]["at"] - acks[f"press{c}"] for c in replies if f"press{c}" in acks]
    start, end = min(received.values()), max((r["at"] for r in replies.values()), default=0.0)
    bulk = [s for s in presses.stamps if s["chat"] not in chats and start <= s["at"] <= end]
    bulk_sends = sum(1 for s in bulk if s["method"] == "sendMessage")
    return {
        "latency": latency,
        "handler": handler,
        "own": own,
        "unanswered": len(chats) - len(latency),
        "bulk_rate": bulk_sends / (end - start) if end > start else 0.0,
    }


def settings_for(url: str, port: int, rate: float) -> Settings:
    """Settings as `followup run` would read them: messages at any hour, the given rate."""
    values: dict[str, Any] = {
        "telegram_token": TOKEN,
        "telegram_base_url": f"http://127.0.0.1:{port}/bot",
        "hospital_name": "基准医院",
        "database_url": url,
        "send_windows": "00:00-23:59",
        "skip_holidays": False,
        "rate": rate,
    }
    return Settings(_env_file=None, **values)


async def run_bot(url: str, port: int, args: argparse.Namespace) -> dict[str, Any]:
    """Start the Application as run_polling does, seed after migrating, measure, stop."""
    app = build_app(settings_for(url, port, args.rate), rate_limit=not args.no_limiter)
    await app.initialize()
    assert app.post_init is not None and app.updater is not None
    await app.post_init(app)
    services = app.bot_data.services
    assert services is not None
    bulk = int(args.rate * BULK_SECONDS)
    await seed(services.store.engine, args.patients, bulk, services.scheduling.fingerprint)
    await app.updater.start_polling(allowed_updates=Update.ALL_TYPES)
    await app.start()
    try:
        return await drive(app, port, args.patients, args.timeout)
    finally:
        async with services.store.engine.begin() as conn:  # the dispatcher's run ends sooner
            await conn.execute(update(m).where(m.c.status == "pending").values(status="cancelled"))
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        assert app.post_shutdown is not None
        await app.post_shutdown(app)


async def _admin(url: str, statement: str) -> None:
    import asyncpg

    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def measure(args: argparse.Namespace) -> dict[str, Any]:
    """Start the fake, make the database, run the bot against both, clean up."""
    fake, port = timed_botapi.start()
    name = f"followup_latency_{uuid.uuid4().hex[:8]}"
    try:
        if args.database_url is None:
            with tempfile.TemporaryDirectory() as folder:
                url = f"sqlite+aiosqlite:///{Path(folder) / 'latency.db'}"
                return asyncio.run(run_bot(url, port, args))
        asyncio.run(_admin(args.database_url, f'CREATE DATABASE "{name}"'))
        try:
            server = make_url(args.database_url).set(database=name)
            url = server.render_as_string(hide_password=False)
            return asyncio.run(run_bot(url, port, args))
        finally:
            asyncio.run(_admin(args.database_url, f'DROP DATABASE "{name}" WITH (FORCE)'))
    finally:
        fake.kill()


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile of values (0 < share <= 1)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def report(result: dict[str, Any], args: argparse.Namespace) -> None:
    backend = "SQLite" if args.database_url is None else "PostgreSQL"
    limiter = "without" if args.no_limiter else "with"
    print(f"{backend}, {args.patients} patients, rate {args.rate}/s, {limiter} the flood limiter")
    print(f"{'ms':36}{'p50':>8}{'p90':>8}{'p99':>8}{'max':>8}{'count':>7}")
    for label, key in ROWS:
        values = result[key]
        if not values:
            print(f"{label:36}{'-':>8}{'-':>8}{'-':>8}{'-':>8}{0:>7}")
            continue
        cells = [1000 * percentile(values, q) for q in (0.5, 0.9, 0.99, 1.0)]
        print(f"{label:36}" + "".join(f"{c:>8.0f}" for c in cells) + f"{len(values):>7}")
    print(
        f"unanswered: {result['unanswered']}; bulk sent meanwhile: {result['bulk_rate']:.1f} msg/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=200)
    parser.add_argument("--database-url", help="postgresql+asyncpg://user:password@host:port/db")
    parser.add_argument("--rate", type=float, default=25.0, help="The dispatcher's msg/s.")
    parser.add_argument("--timeout", type=float, default=300.0, help="Seconds to wait for replies.")
    parser.add_argument(
        "--no-limiter", action="store_true", help="Without the flood limiter (its wait hidden)."
    )
    args = parser.parse_args()
    logging.getLogger("apscheduler").setLevel(logging.ERROR)  # "skipped: already running"
    if args.database_url is not None and not args.database_url.startswith("postgresql"):
        parser.error("--database-url must name a PostgreSQL server")
    report(measure(args), args)


if __name__ == "__main__":
    main()
