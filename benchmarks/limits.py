"""Issue 20 in one run: each goal's benchmark, each figure beside its target and the previous one.

Run: .venv/bin/python -m benchmarks.limits [--goals 1,4] [--full]
         [--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/postgres] [--save]

Each goal's benchmark runs as its own process (`benchmarks/limits_goals.py` lists the commands:
minutes at the quick scale, the issue's scale with `--full`), on SQLite and, for the goals that
depend on the database, on the PostgreSQL server `--database-url` names. The previous figures
are read from `benchmarks/limits.json`; `--save` writes this run's figures there as the new
previous ones, with the date, the commit and the scale.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks.common import ROOT
from benchmarks.limits_goals import GOALS, Goal

PREVIOUS = ROOT / "benchmarks" / "limits.json"


@dataclass(frozen=True)
class Run:
    """One goal measured on one database."""

    goal: Goal
    backend: str  # "sqlite" or "postgresql"
    figures: dict[str, float]


def measure(goal: Goal, full: bool, database_url: str | None) -> dict[str, float]:
    """Run a goal's benchmark in its own process; return the figures of its --json file."""
    arguments = list(goal.full if full else goal.quick)
    if database_url is not None:
        arguments += ["--database-url", database_url]
    with tempfile.TemporaryDirectory() as folder:
        found = Path(folder) / "figures.json"
        command = [sys.executable, "-m", goal.module, *arguments, "--json", str(found)]
        print("$", " ".join(command[1:]), flush=True)
        done = subprocess.run(command, cwd=ROOT, check=False)
        if done.returncode != 0 or not found.exists():
            print(f"goal {goal.number}: the benchmark failed (exit {done.returncode})")
            return {}
        figures: dict[str, object] = json.loads(found.read_text())["figures"]
    # the figures are numbers; a benchmark's breakdowns (e.g. refusals by error code) are not
    return {
        name.removesuffix("_pg"): v for name, v in figures.items() if isinstance(v, int | float)
    }


def shown(value: float | None) -> str:
    """Format a figure for the table."""
    if value is None or math.isnan(value):
        return "-"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def table(runs: list[Run], previous: dict[str, dict[str, float]]) -> list[str]:
    """Return the table's lines: goal, database, figure, target, previous, now, met."""
    lines = [f"{'goal':<34}{'db':<12}{'figure':<38}{'target':>10}{'previous':>11}{'now':>11}  met"]
    for run in runs:
        before = previous.get(f"{run.goal.key}:{run.backend}", {})
        for target in run.goal.targets:
            now = run.figures.get(target.figure)
            met = "-" if now is None else ("yes" if target.met(now) else "NO")
            bound = f"{target.better.value} {target.bound:g}"
            lines.append(
                f"{f'{run.goal.number}. {run.goal.name}':<34}{run.backend:<12}"
                f"{target.label:<38}{bound:>10}{shown(before.get(target.figure)):>11}"
                f"{shown(now):>11}  {met}"
            )
    return lines


def load_previous() -> dict[str, Any]:
    """Read the previous figures, by "goal:backend" (goal 1's channels: "1-wechat:sqlite"),
    and where each came from."""
    if not PREVIOUS.exists():
        return {"figures": {}, "sources": {}}
    kept: dict[str, Any] = json.loads(PREVIOUS.read_text())
    return kept


def save(runs: list[Run], full: bool) -> None:
    """Keep this run's figures as the previous ones for the next run."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    kept = load_previous()
    scale = "the issue's scale (--full)" if full else "the quick scale"
    for run in runs:
        if run.figures:
            key = f"{run.goal.key}:{run.backend}"
            kept["figures"][key] = run.figures
            kept["sources"][key] = f"benchmarks.limits, {date.today()}, commit {commit}, {scale}"
    PREVIOUS.write_text(json.dumps(kept, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--goals", default="1,2,3,4,5,6", help="Goal numbers, comma-separated.")
    parser.add_argument("--full", action="store_true", help="At the issue's scale (hours).")
    parser.add_argument("--database-url", help="PostgreSQL for the goals that depend on it.")
    parser.add_argument("--save", action="store_true", help="Keep the figures as previous.")
    args = parser.parse_args()
    wanted = {int(number) for number in args.goals.split(",")}
    runs: list[Run] = []
    for goal in (goal for goal in GOALS if goal.number in wanted):
        runs.append(Run(goal, "sqlite", measure(goal, args.full, None)))
        if goal.database and args.database_url is not None:
            runs.append(Run(goal, "postgresql", measure(goal, args.full, args.database_url)))
    print("\n".join(table(runs, load_previous()["figures"])))
    if args.save:
        save(runs, args.full)


if __name__ == "__main__":
    main()
