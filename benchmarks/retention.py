"""The delivery log's retention: database size and prune time per batch on a filled SQLite file.

Fills `deliveries` with --rows sends spread evenly over --months months up to now, then runs
the sweeps' prune (FOLLOWUP_DELIVERY_RETENTION_MONTHS=--keep) batch by batch, as the real
repository does it, and prints the file size before, after (SQLite keeps freed pages for
new rows) and after a VACUUM (offline, by the operator).
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.common import migrated_sqlite
from bot.dispatch.retention import PRUNE_BATCH, PRUNE_BATCHES
from bot.domain.retention import months_before
from bot.storage.store import Store

DETAIL = "Bad Request: message is not modified"  # a typical detail, on one row in ten


def fill_log(path: Path, rows: int, months: int, now: datetime) -> None:
    """Insert `rows` deliveries, oldest first, evenly over the last `months` months."""
    start = months_before(now, months)
    step = (now - start) / rows
    db = sqlite3.connect(path)
    db.executemany(
        "INSERT INTO deliveries (chat_id, at, outcome, detail, telegram_message_id, purpose, "
        "channel, address) VALUES (?,?,?,?,?,?,?,?)",
        (
            (
                100000 + n % 50000,
                (start + step * n).strftime("%Y-%m-%d %H:%M:%S.%f"),
                "sent",
                DETAIL if n % 10 == 0 else None,
                n,
                "outbox",
                "telegram",
                str(100000 + n % 50000),
            )
            for n in range(rows)
        ),
    )
    db.commit()
    db.close()


def file_size(path: Path) -> int:
    """Return the database's bytes, its write-ahead log checkpointed in."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path.stat().st_size


def count_log(path: Path) -> int:
    """Return the deliveries left."""
    db = sqlite3.connect(path)
    count = int(db.execute("SELECT count(*) FROM deliveries").fetchone()[0])
    db.close()
    return count


def free_pages(path: Path) -> int:
    """Return the pages SQLite holds free for new rows."""
    db = sqlite3.connect(path)
    count = int(db.execute("PRAGMA freelist_count").fetchone()[0])
    db.close()
    return count


async def prune(url: str, cutoff: datetime) -> list[float]:
    """Prune as the sweeps do, every batch timed; return the seconds of each batch."""
    store = Store.open(url)
    times: list[float] = []
    try:
        while True:
            began = time.perf_counter()
            went = await store.deliveries.prune_before(cutoff, PRUNE_BATCH)
            times.append(time.perf_counter() - began)
            if went < PRUNE_BATCH:
                return times
    finally:
        await store.close()


def main() -> None:
    """Fill, prune, report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--keep", type=int, default=12)
    args = parser.parse_args()
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "retention.db"
        url = migrated_sqlite(path)
        empty = file_size(path)
        fill_log(path, args.rows, args.months, now)
        full = file_size(path)
        times = asyncio.run(prune(url, months_before(now, args.keep)))
        idle = asyncio.run(prune(url, months_before(now, args.keep)))  # the next run: none
        after = file_size(path)
        free = free_pages(path)
        left = count_log(path)
        fill_log(path, args.rows - left, args.months - args.keep, now)  # the next months' sends
        regrown = file_size(path)
        db = sqlite3.connect(path)
        db.execute(
            "DELETE FROM deliveries WHERE id <= (SELECT max(id) FROM deliveries) - ?", [left]
        )
        db.commit()
        db.execute("VACUUM")
        db.close()
        vacuumed = file_size(path)
    batches = len(times)
    print(f"{args.rows:,} deliveries over {args.months} months, keep {args.keep}: {left:,} left")
    print(f"file: empty {empty / 1e6:.1f} MB, filled {full / 1e6:.1f} MB, after the prune")
    print(f"  {after / 1e6:.1f} MB ({free:,} free pages for new rows)")
    print(f"  as many new rows as went, written after it: {regrown / 1e6:.1f} MB")
    print(f"  vacuumed (offline), {left:,} rows: {vacuumed / 1e6:.1f} MB")
    print(
        f"prune: {batches} batches of {PRUNE_BATCH:,} ({-(-batches // PRUNE_BATCHES)} runs),"
        f" per batch median {statistics.median(times) * 1e3:.1f} ms,"
        f" max {max(times) * 1e3:.1f} ms, all {sum(times):.2f} s;"
        f" a run with nothing left to prune {idle[0] * 1e3:.1f} ms"
    )


if __name__ == "__main__":
    main()
