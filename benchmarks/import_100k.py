"""Benchmark: import a 100,000-row GBK discharge list into a fresh SQLite database.

Run: .venv/bin/python benchmarks/import_100k.py [ROWS]
Prints the time to read, validate and write, the total, and the re-import time.
"""

from __future__ import annotations

import asyncio
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.domain.discharge.reader import parse_discharge_table
from bot.domain.tabular import read_table
from bot.storage import migrate
from bot.storage.imports import apply_discharge_records
from bot.storage.store import Store

HEADER = (
    "住院号,姓名,性别,年龄,联系电话,科室,主管医生,诊断,"
    "入院时间,出院时间,是否同意回访,出院带药,特殊标记\n"
)
DEPARTMENTS = ["心内科", "普外科", "妇科", "呼吸科", "骨科", "神经内科", "内分泌科", "职业病科"]


def write_list(path: Path, rows: int) -> None:
    """Write a realistic GBK discharge list with `rows` rows."""
    rng = random.Random(7)
    start = datetime(2026, 1, 1, 8, 0)
    lines = [HEADER]
    for i in range(rows):
        admitted = start + timedelta(minutes=rng.randrange(0, 400_000))
        discharged = admitted + timedelta(hours=rng.randrange(20, 400))
        lines.append(
            f"ZY{i:08d},患者{i},{rng.choice('男女')},{rng.randrange(18, 95)},"
            f"138{rng.randrange(10**8):08d},{rng.choice(DEPARTMENTS)},医生{i % 97},诊断{i % 50},"
            f"{admitted:%Y-%m-%d %H:%M},{discharged:%Y/%m/%d %H:%M},"
            f"{rng.choice(['是', '是', '否'])},"
            f"阿司匹林肠溶片 100mg qd 30天,{'纠纷' if i % 500 == 0 else ''}\n"
        )
    path.write_text("".join(lines), encoding="gbk")


async def run(rows: int) -> None:
    """Time each stage of a first import and of a re-import."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "list.csv"
        write_list(path, rows)
        store = Store.open(f"sqlite+aiosqlite:///{folder}/bench.db")
        await migrate.upgrade(store.engine)
        for label in ("first import", "re-import"):
            t0 = time.perf_counter()
            table = read_table(path)
            t1 = time.perf_counter()
            parsed = parse_discharge_table(table, ZoneInfo("Asia/Shanghai"))
            t2 = time.perf_counter()
            counts = await apply_discharge_records(
                store.engine, parsed.records, path.name, datetime.now(UTC)
            )
            t3 = time.perf_counter()
            print(
                f"{label}: {rows} rows ({path.stat().st_size / 1e6:.1f} MB GBK): "
                f"read {t1 - t0:.2f} s, validate {t2 - t1:.2f} s, write {t3 - t2:.2f} s, "
                f"total {t3 - t0:.2f} s; new {counts.imported}, unchanged {counts.unchanged}, "
                f"errors {len(parsed.errors)}"
            )
        await store.close()


if __name__ == "__main__":
    asyncio.run(run(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000))
