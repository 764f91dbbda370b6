"""Run one benchmark's command with this checkout and another, alternately, and compare.

Each run is a fresh process of the checkout's own code (its `.venv` when it has one), so the
two measure the same work in the same minutes on a shared machine.
"""

from __future__ import annotations

import ast
import os
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.common import ROOT


@dataclass
class Pairs:
    """The figure of each run: this checkout's and the other's, in the order they ran."""

    this: list[float] = field(default_factory=list)
    other: list[float] = field(default_factory=list)
    loads: list[float] = field(default_factory=list)  # the 1-minute load before each pair


def python_of(checkout: Path) -> str:
    """Return the checkout's own interpreter, or this one."""
    own = checkout / ".venv" / "bin" / "python"
    return str(own) if own.exists() else sys.executable


def printed_figures(checkout: Path, arguments: list[str]) -> dict[str, float]:
    """Run `python -m <arguments>` in a checkout; return the dict its last line prints."""
    environment = {**os.environ, "PYTHONPATH": str(checkout)}
    done = subprocess.run(
        [python_of(checkout), "-m", *arguments],
        cwd=checkout,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    figures = ast.literal_eval(done.stdout.strip().splitlines()[-1])
    return {str(key): float(value) for key, value in figures.items()}


def alternate(other: Path, arguments: list[str], figure: str, pairs: int) -> Pairs:
    """Run the command `pairs` times in each checkout, alternating which goes first."""
    result = Pairs()
    for number in range(pairs):
        result.loads.append(os.getloadavg()[0])
        order = [ROOT, other] if number % 2 == 0 else [other, ROOT]
        for checkout in order:
            value = printed_figures(checkout, arguments)[figure]
            (result.this if checkout == ROOT else result.other).append(value)
    return result


def report(pairs: Pairs, figure: str, other: Path) -> str:
    """Describe both checkouts' runs and their medians."""
    this = ", ".join(f"{value:.3f}" for value in pairs.this)
    previous = ", ".join(f"{value:.3f}" for value in pairs.other)
    loads = ", ".join(f"{value:.1f}" for value in pairs.loads)
    return (
        f"{figure}, {len(pairs.this)} alternating pairs (1-minute load before each: {loads})\n"
        f"  this checkout ({ROOT}): {this}; median {statistics.median(pairs.this):.3f}\n"
        f"  other ({other}): {previous}; median {statistics.median(pairs.other):.3f}"
    )
