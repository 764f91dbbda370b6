"""Benchmark: the bot's memory while it sends 100,000 messages and answers 10,000 presses.

Run: .venv/bin/python -m benchmarks.memory [--messages 100000] [--presses 10000]
     [--chats 100000] [--json PATH]
The real Application (benchmarks/memory_bot.py: `followup run`'s, limits off) runs in a
process of its own against the fake Bot API over loopback (benchmarks/timed_botapi.py, a
third process); this one seeds a SQLite file, drives the presses and reads the bot's RSS
from /proc twice a second. `presses` patients get a check-in first; the messages (education
steps) go to `chats` other chats. As each patient's first question arrives, the patient
presses an answer (bursts of up to 500), which the bot answers with the next question.
Prints the peak RSS and the growth between the first and the last tenth of the run (the
mean RSS of each tenth, from the first message sent to the last press answered), and how long
the bot took to exit once interrupted (SIGINT, as Ctrl-C).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from benchmarks import timed_botapi
from benchmarks.common import ROOT, migrated_sqlite
from benchmarks.latency_patients import press_update
from benchmarks.latency_seed import settings_for
from bot.services.planning import load_scheduling
from bot.templating import Renderer

PATIENT_CHATS = 100_000  # patient i's chat; bulk chats from BULK_CHATS on
BULK_CHATS = 1_000_000
TARGET_MB = 150.0
STOP_WAIT = 60.0  # seconds
FORMAT = "%Y-%m-%d %H:%M:%S.%f"
EDUCATION = "plans/general/day1_home_care"


def seed(path: Path, presses: int, messages: int, chats: int, fingerprint: str) -> None:
    """Patients with a due check-in (sent first), then education steps to the other chats."""
    now = datetime.now(UTC)
    stamp = now.strftime(FORMAT)
    people = [(i, PATIENT_CHATS + i) for i in range(1, presses + 1)]
    people += [(presses + n, BULK_CHATS + n) for n in range(1, chats + 1)]
    db = sqlite3.connect(path)
    db.execute("INSERT INTO departments (id, name) VALUES (1, '呼吸科')")
    db.executemany(
        "INSERT INTO patients (id, hospital_no, name, created_at, updated_at) VALUES (?,?,?,?,?)",
        ((i, f"M{i:07d}", f"患者{i}", stamp, stamp) for i, _ in people),
    )
    discharged = (now - timedelta(days=3)).strftime(FORMAT)
    db.executemany(
        "INSERT INTO episodes (id, patient_id, department_id, discharged_at, consent, "
        "imported_at, updated_at) VALUES (?,?,1,?,1,?,?)",
        ((i, i, discharged, stamp, stamp) for i, _ in people),
    )
    db.executemany(
        "INSERT INTO contacts (id, patient_id, episode_id, chat_id, user_id, respondent, "
        "consent, consent_at, locale, reachable, plan_key, plan_fingerprint, created_at) "
        "VALUES (?,?,?,?,?,'patient','granted',?,'zh_CN',1,'general',?,?)",
        ((i, i, i, chat, chat, stamp, fingerprint, stamp) for i, chat in people),
    )
    early = (now - timedelta(minutes=2)).strftime(FORMAT)
    later = (now - timedelta(minutes=1)).strftime(FORMAT)
    row = (
        "INSERT INTO scheduled_messages (contact_id, patient_id, episode_id, step_key, "
        "occurrence, kind, template, survey, payload, due_at, send_at, status, attempts, "
        "tries, answer_timeout_s, created_at, updated_at) "
        "VALUES (?,?,?,?,?,?,?,?,'{}',?,?,'pending',0,0,86400,?,?)"
    )
    times = (later, later, stamp, stamp)
    checkin = ("day3", 0, "checkin", "plans/general/day3_checkin", "checkin_first")
    db.executemany(
        row, ((i, i, i, *checkin, early, early, stamp, stamp) for i in range(1, presses + 1))
    )
    db.executemany(
        row,
        (
            (c, c, c, "day1_home_care", n, "education", EDUCATION, None, *times)
            for n in range(messages)
            for c in [presses + 1 + n % chats]
        ),
    )
    db.commit()
    db.close()


def rss_mb(pid: int, field_name: str = "VmRSS") -> float:
    """A process's resident memory (or its peak: VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field_name} for process {pid}")


@dataclass
class Progress:
    """What the fake has seen so far, counted as it comes (no stamp kept)."""

    since: int = 0
    bulk: int = 0
    answered: int = 0
    waiting: list[dict[str, Any]] = field(default_factory=list)  # presses to make
    pressed: set[int] = field(default_factory=set)
    samples: list[tuple[float, float]] = field(default_factory=list)  # (time, RSS MB)
    first_sent: float | None = None

    def take(self, stamps: list[dict[str, Any]]) -> None:
        """Count bulk messages and next questions; queue a press for each first question."""
        self.since += len(stamps)
        for stamp in stamps:
            if stamp["method"] != "sendMessage":
                continue
            self.first_sent = self.first_sent or time.monotonic()
            chat, data = stamp["chat"], stamp["data"]
            if chat >= BULK_CHATS:
                self.bulk += 1
            elif any(":condition:" in d for d in data):
                self.answered += 1
            elif any(":good_time:" in d for d in data) and chat not in self.pressed:
                self.pressed.add(chat)
                button = _patient_button(data)
                self.waiting.append(press_update(chat, stamp["message_id"], button, f"press{chat}"))


def _patient_button(data: list[str]) -> str:
    return next(d for d in data if d.endswith(":good_time:yes"))


def drive(bot: subprocess.Popen[bytes], port: int, args: argparse.Namespace) -> Progress:
    """Press as questions arrive and sample the bot's RSS until all is sent and answered."""
    progress = Progress()
    deadline = time.monotonic() + args.timeout
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
        while progress.bulk < args.messages or progress.answered < args.presses:
            if time.monotonic() > deadline or bot.poll() is not None:
                raise RuntimeError(f"stopped: {progress.bulk} sent, {progress.answered} answered")
            progress.samples.append((time.monotonic(), rss_mb(bot.pid)))
            body = client.get("/bench", params={"since": progress.since}).json()
            progress.take(body["stamps"])
            burst, progress.waiting = progress.waiting[:500], progress.waiting[500:]
            if burst:
                client.post("/bench", content=json.dumps(burst))
            if len(progress.samples) % 60 == 0:  # every 30 s or so
                print(
                    f"{progress.bulk:,} sent, {progress.answered:,} answered, "
                    f"RSS {progress.samples[-1][1]:.1f} MB",
                    flush=True,
                )
            time.sleep(0.5)
    progress.samples.append((time.monotonic(), rss_mb(bot.pid)))
    return progress


def growth(progress: Progress) -> tuple[float, float, float]:
    """Mean RSS of the first and the last tenth of the run, and their difference."""
    start = progress.first_sent or progress.samples[0][0]
    running = [(t, mb) for t, mb in progress.samples if t >= start]
    end = running[-1][0]
    tenth = (end - start) / 10
    first = statistics.mean(mb for t, mb in running if t <= start + tenth)
    last = statistics.mean(mb for t, mb in running if t >= end - tenth)
    return first, last, last - first


def stop(bot: subprocess.Popen[bytes]) -> float:
    """Interrupt the bot as Ctrl-C would; return how long it took to exit (a kill after
    STOP_WAIT seconds: a restart must not hang)."""
    asked = time.monotonic()
    os.kill(bot.pid, signal.SIGINT)
    try:
        bot.wait(STOP_WAIT)
    except subprocess.TimeoutExpired:
        bot.kill()
        bot.wait()
        print(f"the bot did not stop within {STOP_WAIT:g} s of SIGINT: killed", flush=True)
    return time.monotonic() - asked


def measure(args: argparse.Namespace) -> dict[str, float]:
    """Seed, start the fake and the bot, drive, stop; return the figures."""
    fake, port = timed_botapi.start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "memory.db"
            url = migrated_sqlite(path)
            fingerprint = load_scheduling(settings_for(url, port, 30.0), Renderer()).fingerprint
            seed(path, args.presses, args.messages, args.chats, fingerprint)
            command = [sys.executable, "-m", "benchmarks.memory_bot", "--url", url]
            bot = subprocess.Popen([*command, "--port", str(port)], cwd=ROOT)
            began = time.monotonic()
            try:
                progress = drive(bot, port, args)
                peak = rss_mb(bot.pid, "VmHWM")
                seconds = time.monotonic() - began
            finally:
                stopping = stop(bot)
    finally:
        fake.kill()
    first, last, grown = growth(progress)
    return {
        "seconds": seconds,
        "stop_seconds": stopping,
        "peak_rss_mb": peak,
        "first_tenth_mb": first,
        "last_tenth_mb": last,
        "rss_growth_mb": grown,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--presses", type=int, default=10_000)
    parser.add_argument("--chats", type=int, default=100_000)
    parser.add_argument("--timeout", type=float, default=3600.0)
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args()
    found = measure(args)
    print(
        f"{args.messages:,} messages to {args.chats:,} chats and {args.presses:,} presses "
        f"in {found['seconds']:.0f} s"
    )
    print(
        f"peak RSS {found['peak_rss_mb']:.1f} MB (target < {TARGET_MB:g} MB: "
        f"{'met' if found['peak_rss_mb'] < TARGET_MB else 'NOT met'}); mean RSS of the first "
        f"tenth {found['first_tenth_mb']:.1f} MB, of the last {found['last_tenth_mb']:.1f} MB: "
        f"growth {found['rss_growth_mb']:+.1f} MB"
    )
    print(f"stopped {found['stop_seconds']:.1f} s after SIGINT")
    if args.json is not None:
        figures = {name: round(found[name], 1) for name in ("peak_rss_mb", "rss_growth_mb")}
        args.json.write_text(json.dumps({"figures": figures}))


if __name__ == "__main__":
    main()
