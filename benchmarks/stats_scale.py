"""Benchmark: /stats over 1,000,000 answers and 100,000 patients in SQLite.

Run: .venv/bin/python -m benchmarks.stats_scale [--patients 100000] [--runs 5]
Prints the median time of /stats for a month (its figures and the rate over all discharges),
hospital-wide and for one department, the figures alone, and the call figures.
Patients are spread over three plans (reply rates per plan and step), 2% complain (on-time
share per department) and each has a medicine reminder (adherence). The rows are filled with
raw SQL, so their counts are computed once first (as an upgraded database does at its first
statistics, timed apart); the bot keeps them up to date as it writes.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.common import migrated_sqlite
from bot.domain.periods import month_period
from bot.services.call_stats import call_figures, stats_with_coverage
from bot.services.planning import load_scheduling
from bot.services.statistics import compute_stats
from bot.storage.store import Store
from bot.storage.tallies import rebuild_if_needed
from bot.templating import Renderer
from tests.harness import make_settings

DEPARTMENTS = ["心内科", "普外科", "妇科", "呼吸科", "骨科", "神经内科", "内分泌科", "职业病科"]
QUESTIONS = [
    ("sat_doctors", "sat"),
    ("sat_nurses", "sat"),
    ("sat_hospital", "sat"),
    ("recommend", "nps"),
    ("condition", "better"),
    ("medicines", "yes"),
    ("diet", "good"),
    ("sleep", "good"),
    ("exercise", "good"),
    ("reexam", "booked"),
]


PLANS = ("general", "chronic", "high_risk")


def fill(path: Path, patients: int) -> None:
    """Insert patients discharged in November 2026 with check-ins, sessions and 10 answers
    each, a medicine reminder each and a complaint from one in fifty."""
    rng = random.Random(3)
    fmt = "%Y-%m-%d %H:%M:%S.%f"
    stamp = datetime(2026, 12, 1, tzinfo=UTC).strftime(fmt)
    db = sqlite3.connect(path)
    db.executemany("INSERT INTO departments (id, name) VALUES (?, ?)", enumerate(DEPARTMENTS, 1))
    db.executemany(
        "INSERT INTO patients (id, hospital_no, name, created_at, updated_at) VALUES (?,?,?,?,?)",
        ((i, f"S{i:07d}", f"患者{i}", stamp, stamp) for i in range(1, patients + 1)),
    )
    discharged = [
        (datetime(2026, 11, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(43000))).strftime(fmt)
        for _ in range(patients)
    ]
    db.executemany(
        "INSERT INTO episodes (id, patient_id, department_id, discharged_at, consent, "
        "imported_at, updated_at) VALUES (?,?,?,?,1,?,?)",
        ((i, i, i % 8 + 1, discharged[i - 1], stamp, stamp) for i in range(1, patients + 1)),
    )
    db.executemany(
        "INSERT INTO contacts (id, patient_id, episode_id, chat_id, user_id, respondent, "
        "consent, consent_at, locale, reachable, plan_key, created_at) VALUES "
        "(?,?,?,?,?,'patient','granted',?,'zh_CN',1,?,?)",
        ((i, i, i, i, i, stamp, PLANS[i % 3], stamp) for i in range(1, patients + 1)),
    )
    db.executemany(
        "INSERT INTO consent_events (contact_id, decision, at, via) "
        "VALUES (?, 'granted', ?, 'bench')",
        ((i, stamp) for i in range(1, patients + 1)),
    )
    steps = ("day3", "day7", "day30")
    db.executemany(
        "INSERT INTO scheduled_messages (contact_id, patient_id, episode_id, step_key, "
        "occurrence, kind, template, payload, due_at, send_at, status, attempts, tries, "
        "answer_timeout_s, created_at, updated_at) VALUES "
        "(?,?,?,?,0,'checkin','t','{}',?,?,?,0,?,86400,?,?)",
        (
            (
                i,
                i,
                i,
                step,
                stamp,
                stamp,
                rng.choice(("answered", "answered", "failed")),
                rng.randrange(1, 4),
                stamp,
                stamp,
            )
            for i in range(1, patients + 1)
            for step in steps
        ),
    )
    _fill_reminders_and_complaints(db, rng, discharged, stamp)
    fill_calls(db, rng, patients, stamp)
    db.executemany(
        "INSERT INTO survey_sessions (id, contact_id, chat_id, patient_id, episode_id, survey, "
        "respondent, status, started_at, updated_at, expires_at) "
        "SELECT ?, id, chat_id, ?, ?, 'checkin_first', 'patient', 'completed', ?, ?, ? "
        "FROM contacts WHERE id = ?",
        ((i, i, i, stamp, stamp, stamp, i) for i in range(1, patients + 1)),
    )
    db.executemany(
        "INSERT INTO survey_answers (session_id, question, value, respondent, at) "
        "VALUES (?,?,?,'patient',?)",
        ((i, q, _value(rng, kind), stamp) for i in range(1, patients + 1) for q, kind in QUESTIONS),
    )
    db.commit()
    db.close()


def _fill_reminders_and_complaints(
    db: sqlite3.Connection, rng: random.Random, discharged: list[str], stamp: str
) -> None:
    """A taken or skipped medicine reminder for each patient; a complaint from one in fifty,
    raised at discharge, due a week later, answered after two days or after ten."""
    patients = len(discharged)
    db.executemany(
        "INSERT INTO scheduled_messages (id, contact_id, patient_id, episode_id, step_key, "
        "occurrence, kind, template, payload, due_at, send_at, status, attempts, tries, "
        "answer_timeout_s, created_at, updated_at) VALUES "
        "(?,?,?,?,'med0',0,'medication','t','{}',?,?,'answered',1,1,86400,?,?)",
        ((10 * patients + i, i, i, i, stamp, stamp, stamp, stamp) for i in range(1, patients + 1)),
    )
    db.executemany(
        "INSERT INTO step_answers (message_id, contact_id, answer, at) VALUES (?,?,?,?)",
        (
            (10 * patients + i, i, rng.choice(("taken",) * 9 + ("skipped",)), stamp)
            for i in range(1, patients + 1)
        ),
    )
    fmt = "%Y-%m-%d %H:%M:%S.%f"

    def later(moment: str, days: int) -> str:
        return (datetime.strptime(moment, fmt) + timedelta(days=days)).strftime(fmt)

    db.executemany(
        "INSERT INTO cases (kind, patient_id, episode_id, contact_id, source, status, "
        "created_at, due_at, answered_at) VALUES ('complaint',?,?,?,'patient','closed',?,?,?)",
        (
            (i, i, i, at, later(at, 7), later(at, rng.choice((2, 10))))
            for i in range(1, patients + 1, 50)
            for at in [discharged[i - 1]]
        ),
    )


CALL_OUTCOMES = ("reached", "reached", "no_answer", "phone_off", "unreachable", "refused")
NURSES = range(9001, 9009)


def fill_calls(db: sqlite3.Connection, rng: random.Random, patients: int, stamp: str) -> None:
    """A call owed for one patient in five, one to three tries each by eight nurses; one stay
    in ten flagged 慢病 (a special group)."""
    db.execute("UPDATE episodes SET flags = '慢病' WHERE id % 10 = 0")
    db.executemany(
        "INSERT INTO staff_members (user_id, role, department_id, name, created_at) "
        "VALUES (?, 'staff', NULL, ?, ?)",
        ((user, f"护士{user}", stamp) for user in NURSES),
    )
    owed = range(1, patients + 1, 5)
    db.executemany(
        "INSERT INTO call_tasks (id, key, episode_id, department_id, reason, priority, due_at, "
        "tries, status, created_at) VALUES (?, ?, ?, ?, 'no_message_channel', 0, ?, 0, ?, ?)",
        ((i, f"bench:{i}", i, i % 8 + 1, stamp, rng.choice(("open", "done")), stamp) for i in owed),
    )
    fmt = "%Y-%m-%d %H:%M:%S.%f"
    moment = datetime(2026, 11, 20, 7, tzinfo=UTC)
    db.executemany(
        "INSERT INTO call_attempts (task_id, staff_user, started_at, ended_at, outcome) "
        "VALUES (?, ?, ?, ?, ?)",
        (
            (i, rng.choice(NURSES), at, at, rng.choice(CALL_OUTCOMES))
            for i in owed
            for try_ in range(rng.randrange(1, 4))
            for at in [(moment + timedelta(days=try_, minutes=i % 600)).strftime(fmt)]
        ),
    )


def _value(rng: random.Random, kind: str) -> str:
    if kind == "sat":
        return rng.choice(("satisfied",) * 8 + ("basically", "unsatisfied"))
    if kind == "nps":
        return str(rng.randrange(0, 11))
    return kind


async def measure(url: str, runs: int, coverage: bool) -> tuple[list[float], list[float]]:
    """Time /stats's figures hospital-wide and for one department: with the rate over all
    discharges computed beside them (what /stats does), or without it (as before issue 19)."""
    settings = make_settings(Path("."), migrated=False, database_url=url)
    surveys = load_scheduling(settings, Renderer()).surveys
    store = Store.open(url)
    started = time.perf_counter()
    await rebuild_if_needed(store.engine, datetime.now(UTC))  # once, for rows filled raw
    print(f"one-time count of the filled rows: {time.perf_counter() - started:.1f} s")
    period = month_period("2026-11")
    whole: list[float] = []
    one: list[float] = []
    for _ in range(runs):
        for department, times in ((None, whole), (2, one)):
            started = time.perf_counter()
            if coverage:
                stats, _ = await stats_with_coverage(store, surveys, settings, period, department)
            else:
                stats = await compute_stats(
                    store, surveys, settings.zone, period, department, min_answers=20
                )
            times.append(1000 * (time.perf_counter() - started))
            assert stats.discharged > 0
    await store.close()
    return whole, one


async def measure_calls(url: str, runs: int) -> tuple[list[float], list[float]]:
    """Time the call figures (and the rate over all discharges) hospital-wide and for one
    department."""
    settings = make_settings(Path("."), migrated=False, database_url=url)
    store = Store.open(url)
    period = month_period("2026-11")
    whole: list[float] = []
    one: list[float] = []
    for _ in range(runs):
        for department, times in ((None, whole), (2, one)):
            started = time.perf_counter()
            figures = await call_figures(store, settings, period, department)
            times.append(1000 * (time.perf_counter() - started))
            assert figures.coverage.hospital.discharged > 0
    await store.close()
    return whole, one


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "stats.db"
        url = migrated_sqlite(path)
        fill(path, args.patients)
        plain_whole, plain_one = asyncio.run(measure(url, args.runs, coverage=False))
        whole, one = asyncio.run(measure(url, args.runs, coverage=True))
        calls_whole, calls_one = asyncio.run(measure_calls(url, args.runs))
    answers = args.patients * len(QUESTIONS)
    print(f"{args.patients:,} patients, {answers:,} answers, {3 * args.patients:,} check-ins")
    print(
        f"/stats (figures and the rate over all discharges), whole hospital: median "
        f"{statistics.median(whole):.0f} ms (runs: {', '.join(f'{t:.0f}' for t in whole)})"
    )
    print(f"/stats, one department: median {statistics.median(one):.0f} ms")
    print(
        f"the figures alone (before issue 19), whole hospital: median "
        f"{statistics.median(plain_whole):.0f} ms; one department: "
        f"{statistics.median(plain_one):.0f} ms"
    )
    print(
        f"call figures, whole hospital: median {statistics.median(calls_whole):.0f} ms "
        f"(runs: {', '.join(f'{t:.0f}' for t in calls_whole)})"
    )
    print(f"call figures, one department: median {statistics.median(calls_one):.0f} ms")
    print("target: <= 200 ms")


if __name__ == "__main__":
    main()
