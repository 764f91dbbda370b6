"""Benchmark: start-up time and memory, on an empty database and on a large one.

Run: .venv/bin/python -m benchmarks.startup_memory [--rows 1000000] [--jobs 100000]
     [--json PATH]   (the issue's scale: --rows 10000000; a short run: --rows 100000 --jobs 0)
`followup run` starts as a real process against the fake Bot API over loopback HTTP, on an
empty SQLite file and on one with `--rows` rows across the outbox (half pending, half sent),
the deliveries and the answers (one chat per ten rows), each after a clean stop and after a
kill -9 (the integrity check runs); see benchmarks/startup_run.py for what "ready" means.
For comparison, the way most PTB bots schedule reminders: one JobQueue (APScheduler) job per
reminder, re-created in memory at every start (`--jobs`; 0 leaves it out).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import astuple
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent  # only light imports here: children measure

READY = "READY"


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


def measure(arguments: list[str]) -> tuple[float, float]:
    """Launch a JobQueue child, return (seconds until it is ready, its peak RSS in MB)."""
    started = time.perf_counter()
    child = subprocess.run(
        [sys.executable, "-m", "benchmarks.startup_memory", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    elapsed = time.perf_counter() - started
    line = next(line for line in child.stdout.splitlines() if line.startswith(READY))
    return elapsed, float(line.split()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    parser.add_argument(
        "--keep-file", type=Path, help="fill this file once, keep it, start on it as it is later"
    )
    parser.add_argument("--child", choices=("jobqueue",))
    args = parser.parse_args()
    if args.child == "jobqueue":
        asyncio.run(jobqueue_child(args.jobs))
        return
    empty, full = ours(args.rows, args.keep_file)
    lines: list[tuple[str, float, float, float, float]] = []
    for label, measured in (("an empty file", empty), (f"{args.rows:,} rows", full)):
        for when, key in (("after a clean stop", "clean"), ("after a kill -9", "unclean")):
            start = measured[key]
            lines.append((f"followup run, {label}, {when}", *astuple(start)))
    if args.jobs:
        for label, jobs in ((f"JobQueue, {args.jobs:,} jobs", args.jobs), ("JobQueue, none", 0)):
            seconds, rss = measure(["--child", "jobqueue", "--jobs", str(jobs)])
            lines.append((label, seconds, float("nan"), rss, float("nan")))
    print(f"{'':52}{'seconds to ready':>18}{'CPU s':>8}{'peak RSS MB':>13}{'answering s':>13}")
    for label, seconds, cpu, rss, answering in lines:
        print(f"{label:52}{seconds:>18.2f}{cpu:>8.2f}{rss:>13.1f}{answering:>13.2f}")
    history, fill = full["history"], full["fill_s"]
    print(
        f"the {history.rows:,} rows: {history.pending + history.sent:,} in the outbox "
        f"({history.pending:,} pending), {history.deliveries:,} deliveries, "
        f"{history.answers:,} answers, {history.chats:,} chats; file {full['file_mb']:,.0f} MB, "
        + ("kept from an earlier run" if fill is None else f"filled in {fill:.0f} s")
    )
    if args.json is not None:
        write_figures(args.json, empty, full)


def ours(rows: int, kept: Path | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Measure `followup run` on an empty file and on one of `rows` rows (kept, if given)."""
    from benchmarks.common import start_fake_botapi
    from benchmarks.crash import current_fingerprint, kill
    from benchmarks.startup_run import compile_bytecode, measure_size

    compile_bytecode()
    fingerprint = current_fingerprint()
    server, port = start_fake_botapi(limits=False)
    try:
        with tempfile.TemporaryDirectory() as folder:
            empty = measure_size(Path(folder), port, 0, fingerprint)
        with tempfile.TemporaryDirectory() as folder:
            full = measure_size(Path(folder), port, rows, fingerprint, kept)
    finally:
        kill(server)
    return empty, full


def write_figures(path: Path, empty: dict[str, Any], full: dict[str, Any]) -> None:
    """Write the figures the combined benchmark reads."""
    starts = [empty["clean"], empty["unclean"], full["clean"], full["unclean"]]
    figures = {
        "ready_empty_s": round(empty["clean"].seconds, 3),
        "ready_empty_unclean_s": round(empty["unclean"].seconds, 3),
        "ready_full_s": round(full["clean"].seconds, 3),
        "ready_full_unclean_s": round(full["unclean"].seconds, 3),
        "answering_full_unclean_s": round(full["unclean"].answered_seconds, 3),
        "cpu_empty_s": round(empty["clean"].cpu_seconds, 3),
        "cpu_full_s": round(full["clean"].cpu_seconds, 3),
        "full_rows": full["history"].rows,
        "peak_rss_mb": round(max(start.peak_rss_mb for start in starts), 1),
    }
    path.write_text(json.dumps({"figures": figures}, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
