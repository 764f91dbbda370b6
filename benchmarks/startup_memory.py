"""Benchmark: start-up time and memory with many pending reminders.

Run: .venv/bin/python benchmarks/startup_memory.py [--rows 1000000] [--jobs 100000]
Compares this bot (reminders are outbox rows in SQLite; start-up reads none of them) with
the way most PTB bots schedule reminders: one JobQueue (APScheduler) job per reminder,
re-created in memory at every start. Each side runs in a fresh process; the time is from
process launch until the bot is ready (imports included).
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

ROOT = Path(__file__).resolve().parent.parent  # only light imports here: children measure

READY = "READY"


async def outbox_child(database: Path) -> None:
    """Start the real application on a database full of pending rows, then claim once."""
    from bot.app import build_app
    from bot.channels.telegram.context import AppContext
    from bot.channels.telegram.jobs import on_dispatch_job
    from bot.demo.fake_telegram import TOKEN, FakeTelegram
    from bot.storage.clean_stop import stopped_cleanly
    from tests.harness import make_settings

    url = f"sqlite+aiosqlite:///{database}"
    settings = make_settings(database.parent, telegram_token=TOKEN, database_url=url)
    if not stopped_cleanly(database):  # as `followup run` does before it starts
        await _quick_check(settings.database_url)
    app = build_app(settings, request=FakeTelegram(), rate_limit=False)
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)
    await on_dispatch_job(AppContext(app))  # nothing is due yet
    _report()


async def _quick_check(url: str) -> None:
    from bot.storage.database import create_engine, integrity_problem

    engine = create_engine(url)
    started = time.perf_counter()
    assert await integrity_problem(engine, quick=True) is None
    print(f"QUICK_CHECK {time.perf_counter() - started:.2f}", flush=True)
    await engine.dispose()


async def jobqueue_child(jobs: int) -> None:
    """Schedule one APScheduler job per reminder through PTB's JobQueue, as most bots do."""
    from telegram.ext import ApplicationBuilder, CallbackContext

    from bot.demo.fake_telegram import TOKEN, FakeTelegram

    async def remind(context: CallbackContext) -> None:  # type: ignore[type-arg]
        """Send a reminder (never reached in this benchmark)."""

    fake = FakeTelegram()
    app = ApplicationBuilder().token(TOKEN).request(fake).get_updates_request(fake).build()
    await app.initialize()
    assert app.job_queue is not None
    await app.job_queue.start()
    start = datetime.now(UTC) + timedelta(days=1)
    for n in range(jobs):
        when = start + timedelta(seconds=n)
        app.job_queue.run_once(
            remind, when, data={"patient": n, "drug": "阿司匹林"}, name=f"reminder-{n}"
        )
    _report()


def _report() -> None:
    # VmHWM: this process's peak RSS (ru_maxrss would include the parent's from before exec)
    status = Path("/proc/self/status").read_text()
    peak_kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM"))
    print(f"{READY} {peak_kb / 1024:.1f}", flush=True)


def current_fingerprint() -> str:
    """Return the fingerprint of the shipped plans, as contacts planned with them carry."""
    from bot.services.planning import load_scheduling
    from bot.templating import Renderer
    from tests.harness import make_settings

    return load_scheduling(make_settings(Path("."), migrated=False), Renderer()).fingerprint


def measure(arguments: list[str]) -> tuple[float, float]:
    """Launch a child, return (seconds until it is ready, its peak RSS in MB)."""
    started = time.perf_counter()
    child = subprocess.run(
        [sys.executable, "-m", "benchmarks.startup_memory", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    elapsed = time.perf_counter() - started
    for check in (line for line in child.stdout.splitlines() if line.startswith("QUICK_CHECK")):
        print(f"  (of which PRAGMA quick_check of the database: {check.split()[1]} s)")
    line = next(line for line in child.stdout.splitlines() if line.startswith(READY))
    return elapsed, float(line.split()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--child", choices=("outbox", "jobqueue"))
    parser.add_argument("--database", type=Path)
    args = parser.parse_args()
    if args.child == "outbox":
        asyncio.run(outbox_child(args.database))
        return
    if args.child == "jobqueue":
        asyncio.run(jobqueue_child(args.jobs))
        return
    ours = outbox_side(args.rows, clean=True)
    ours_unclean = outbox_side(args.rows, clean=False)
    ours_empty = outbox_side(0, clean=True)
    theirs = measure(["--child", "jobqueue", "--jobs", str(args.jobs)])
    theirs_empty = measure(["--child", "jobqueue", "--jobs", "0"])
    print(f"{'':44}{'seconds to ready':>18}{'peak RSS MB':>14}")
    for label, (seconds, rss) in (
        (f"outbox, {args.rows:,} pending rows in SQLite", ours),
        ("  the same after an unclean stop (checked)", ours_unclean),
        ("outbox, empty", ours_empty),
        (f"JobQueue, {args.jobs:,} APScheduler jobs", theirs),
        ("JobQueue, no jobs", theirs_empty),
    ):
        print(f"{label:44}{seconds:>18.2f}{rss:>14.1f}")
    cost = [ours[i] - ours_empty[i] for i in (0, 1)]
    their_cost = [theirs[i] - theirs_empty[i] for i in (0, 1)]
    print(
        f"ratio JobQueue / outbox: time {theirs[0] / ours[0]:.1f}x, "
        f"memory {theirs[1] / ours[1]:.1f}x"
    )
    print(
        f"cost of the reminders themselves: outbox +{cost[0]:.2f} s +{cost[1]:.1f} MB, "
        f"JobQueue +{their_cost[0]:.2f} s +{their_cost[1]:.1f} MB"
    )


def outbox_side(rows: int, *, clean: bool) -> tuple[float, float]:
    """Measure the bot starting on a database with `rows` pending rows, after a clean stop
    (the integrity check is skipped) or not (first start, kill -9: it runs)."""
    from benchmarks.common import fill_outbox, migrated_sqlite
    from bot.storage.clean_stop import record_clean_stop

    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "startup.db"
        migrated_sqlite(database)
        fill_outbox(
            database,
            max(1, rows // 10),
            rows,
            "plans/general/day7_checkin",
            datetime.now(UTC) + timedelta(days=3),
            current_fingerprint(),
        )
        if clean:
            record_clean_stop(database)
        return measure(["--child", "outbox", "--database", str(database)])


if __name__ == "__main__":
    main()
