"""Benchmark: a hospital's years in the database, about 10 million rows in the tables that grow
(deliveries, answers, audit), and what must stay fast: the claim of the next due batch,
/stats for a month, the monthly report.

Run: .venv/bin/python -m benchmarks.growth [--rows 10000000] [--runs 5] [--json PATH]
     [--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/postgres]
A SQLite file, or with --database-url a throwaway database on that PostgreSQL server (its
figures are named with a `_pg` suffix in the JSON). --rows sets the size (e.g. 300000 for a
short run); a hospital of 150,000 discharges a year (--per-year), so 10 million rows are
about two and a half years. The rows are filled raw, so their statistics are counted once
first (as an upgraded database does at its first /stats), timed apart. Each figure is the
median of --runs runs: the claim (`store.outbox.claim_due` with the dispatcher's batch size,
every run leasing the next batch), /stats for the last full month (what benchmarks.stats_scale
times) and the monthly report's build (what `followup report` runs, calls sheet included).
Each figure's CPU seconds of this process are printed beside (a database server's not counted).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from benchmarks.common import migrated_sqlite, postgres_admin
from benchmarks.growth_fill import ROWS_PER_STAY, Hospital, fill_postgres, fill_sqlite
from bot.app import dispatch_config
from bot.domain.periods import month_period
from bot.services.call_stats import call_figures, stats_with_coverage
from bot.services.planning import load_scheduling
from bot.settings import Settings
from bot.storage import migrate
from bot.storage.database import create_engine
from bot.storage.store import Store
from bot.storage.tallies import rebuild_if_needed
from bot.templating import Renderer
from tests.harness import make_settings

TARGETS = {"claim_ms": 10.0, "stats_ms": 200.0, "report_s": 5.0}


def last_full_month(now: datetime) -> str:
    """The month before now's, as YYYY-MM."""
    year, month = (now.year, now.month - 1) if now.month > 1 else (now.year - 1, 12)
    return f"{year:04d}-{month:02d}"


async def timed(
    runs: int, work: Callable[[], Awaitable[object]], cpu: list[float] | None = None
) -> list[float]:
    """Seconds of each of `runs` runs of work; with `cpu`, each run's CPU seconds of this
    process (its threads included, a database server's not) are added to it."""
    times = []
    for _ in range(runs):
        began, began_cpu = time.perf_counter(), time.process_time()
        await work()
        times.append(time.perf_counter() - began)
        if cpu is not None:
            cpu.append(time.process_time() - began_cpu)
    return times


async def measure(url: str, runs: int, now: datetime) -> dict[str, list[float]]:
    """Time the claim, /stats and the report on the filled database."""
    from bot.services.report import build_report

    default_rate = Settings.model_fields["rate"].default
    settings = make_settings(Path("."), migrated=False, database_url=url, rate=default_rate)
    renderer = Renderer()
    scheduling = load_scheduling(settings, renderer)
    config = dispatch_config(settings, scheduling.policy)
    store = Store.open(url)
    began = time.perf_counter()
    await rebuild_if_needed(store.engine, now)
    print(f"one-time count of the filled rows: {time.perf_counter() - began:.1f} s")
    period = month_period(last_full_month(now))
    owner = uuid.uuid4().hex

    async def claim() -> None:
        rows = await store.outbox.claim_due(now, config.batch_size, config.lease, owner)
        assert len(rows) == config.batch_size, len(rows)

    async def stats() -> None:
        found, _ = await stats_with_coverage(store, scheduling.surveys, settings, period, None)
        assert found.discharged > 0

    async def report() -> None:
        calls = await call_figures(store, settings, period, None)
        content = await build_report(
            store,
            scheduling.surveys,
            renderer,
            settings.locale,
            settings.zone,
            period,
            None,
            min_answers=settings.rank_min_answers,
            hospital="bench",
            plans=scheduling.plans,
            calls=calls,
        )
        assert content

    cpu: dict[str, list[float]] = {"claim": [], "stats": [], "report": []}
    try:
        times = {
            "claim_ms": [1000 * t for t in await timed(runs, claim, cpu["claim"])],
            "stats_ms": [1000 * t for t in await timed(runs, stats, cpu["stats"])],
            "report_s": await timed(max(1, runs // 2), report, cpu["report"]),
        }
        medians = {name: statistics.median(values) for name, values in cpu.items()}
        print(
            f"CPU of this process, medians (steadier than wall time on a busy machine): claim "
            f"{1000 * medians['claim']:.1f} ms, /stats {1000 * medians['stats']:.0f} ms, "
            f"report {medians['report']:.2f} s"
        )
        return times
    finally:
        await store.close()


async def _migrate(url: str) -> None:
    engine = create_engine(url)
    await migrate.upgrade(engine)
    await engine.dispose()


def run(args: argparse.Namespace, hospital: Hospital) -> tuple[dict[str, int], dict[str, Any]]:
    """Make the database, fill it, measure; return the rows per table and the times."""
    began = time.perf_counter()
    if args.database_url is None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "growth.db"
            url = migrated_sqlite(path)
            counts = fill_sqlite(str(path), hospital)
            print(f"filled in {time.perf_counter() - began:.0f} s, {path.stat().st_size >> 20} MB")
            return counts, asyncio.run(measure(url, args.runs, hospital.now))
    name = f"followup_growth_{uuid.uuid4().hex[:8]}"
    asyncio.run(postgres_admin(args.database_url, f'CREATE DATABASE "{name}"'))
    try:
        server = make_url(args.database_url).set(database=name)
        url = server.render_as_string(hide_password=False)
        asyncio.run(_migrate(url))
        dsn = server.set(drivername="postgresql").render_as_string(hide_password=False)
        counts = asyncio.run(fill_postgres(dsn, hospital))
        print(f"filled in {time.perf_counter() - began:.0f} s")
        return counts, asyncio.run(measure(url, args.runs, hospital.now))
    finally:
        asyncio.run(postgres_admin(args.database_url, f'DROP DATABASE "{name}" WITH (FORCE)'))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--per-year", type=int, default=150_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", help="postgresql+asyncpg://user:password@host:port/db")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args()
    runs = max(1, args.runs)
    stays = max(1000, args.rows // ROWS_PER_STAY)
    hospital = Hospital(stays, args.per_year, datetime.now(UTC), due=(runs + 1) * 1000)
    counts, times = run(args, hospital)
    grown = sum(counts[t] for t in ("deliveries", "survey_answers", "step_answers"))
    grown += counts["audit_events"]
    backend = "SQLite" if args.database_url is None else "PostgreSQL"
    print(f"{backend}: {stays:,} stays over {stays / args.per_year:.1f} years")
    print(", ".join(f"{name} {count:,}" for name, count in counts.items()))
    print(f"rows in deliveries, answers and audit: {grown:,}")
    figures: dict[str, float] = {}
    suffix = "" if args.database_url is None else "_pg"
    for name, values in times.items():
        median = statistics.median(values)
        figures[name + suffix] = round(median, 3 if name.endswith("_s") else 2)
        met = "met" if median <= TARGETS[name] else "NOT met"
        shown = ", ".join(f"{v:.3g}" for v in values)
        print(f"{name}: median {median:.3g} (runs {shown}); target <= {TARGETS[name]:g}: {met}")
    if args.json is not None:
        args.json.write_text(json.dumps({"figures": figures}))


if __name__ == "__main__":
    main()
