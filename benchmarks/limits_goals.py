"""Issue 20's goals: what each benchmark is run with, and the target of each figure it prints.

A goal's `quick` arguments run in minutes on a 2-core machine; `full` ones at the issue's
scale (hours for the 10-million-row fills). `database` says the goal is measured on
PostgreSQL too when the combined run is given a server.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Better(Enum):
    """Which way a figure improves."""

    LOWER = "<="
    HIGHER = ">="


@dataclass(frozen=True)
class Target:
    """One figure a benchmark writes to its --json file, and the value the issue asks for."""

    figure: str
    bound: float
    better: Better = Better.LOWER
    label: str = ""

    def met(self, value: float) -> bool:
        """Say whether a measured value meets the target."""
        if self.better is Better.LOWER:
            return value <= self.bound
        return value >= self.bound


@dataclass(frozen=True)
class Goal:
    """One of the issue's goals: the benchmark that measures it and its targets."""

    number: int
    name: str
    module: str
    quick: tuple[str, ...]
    full: tuple[str, ...]
    targets: tuple[Target, ...]
    database: bool = False  # also measured on PostgreSQL
    part: str = ""  # a goal measured by more than one benchmark (goal 1: each channel)

    @property
    def key(self) -> str:
        """The goal's name in benchmarks/limits.json: its number, and its part if any."""
        return f"{self.number}{self.part and '-' + self.part}"


def channel_pacing(channel: str, name: str) -> Goal:
    """Goal 1 for a channel other than Telegram: the dispatcher at the default rate against
    the channel's fake enforcing its documented limits (benchmarks.channel_throughput)."""
    return Goal(
        1,
        f"pacing at {name}'s limits",
        "benchmarks.channel_throughput",
        ("--channel", channel, "--messages", "3000", "--recipients", "1500"),
        ("--channel", channel, "--messages", "20000", "--recipients", "5000"),
        (
            Target("rate", 28.5, Better.HIGHER, "msg/s at the default rate"),
            Target("limit_errors", 0, label="refused by a limit"),
            Target("lost", 0, label="lost"),
            Target("duplicates", 0, label="duplicates"),
        ),
        part=channel,
    )


GOALS = (
    Goal(
        1,
        "pacing at Telegram's limits",
        "benchmarks.dispatch_throughput",
        ("--messages", "3000", "--chats", "1500", "--paced-only"),
        ("--messages", "20000", "--chats", "5000", "--paced-only"),
        (
            Target("paced_msg_per_s", 28.5, Better.HIGHER, "msg/s at the default rate"),
            Target("paced_429s", 0, label="HTTP 429s"),
            Target("paced_lost", 0, label="lost"),
            Target("paced_duplicates", 0, label="duplicates"),
        ),
    ),
    channel_pacing("wechat", "WeChat"),
    channel_pacing("sms", "SMS"),
    Goal(
        2,
        "a press answered under load",
        "benchmarks.interactive_latency",
        ("--patients", "30", "--duration", "30", "--cases", "5", "--timeout", "90"),
        ("--patients", "200", "--cases", "50"),
        (
            Target("own_p50_ms", 10, label="bot's own time p50, ms"),
            Target("own_p99_ms", 50, label="bot's own time p99, ms"),
            Target("steady_p99_ms", 50, label="steady, press to question p99, ms"),
            Target("burst_p99_ms", 50, label="burst, press to question p99, ms"),
        ),
        database=True,
    ),
    Goal(
        3,
        "start-up",
        "benchmarks.startup_memory",
        ("--rows", "100000", "--jobs", "0"),
        ("--rows", "10000000", "--jobs", "0"),
        (
            Target("ready_empty_s", 1.0, label="to ready, empty, s"),
            Target("ready_full_s", 1.2, label="to ready, with the rows, s"),
            Target("ready_full_unclean_s", 1.2, label="the same after a kill -9, s"),
            Target("answering_full_unclean_s", 1.2, label="answering after a kill -9, s"),
        ),
    ),
    Goal(
        4,
        "CPU per message, limits off",
        "benchmarks.dispatch_throughput",
        ("--messages", "3000", "--chats", "3000", "--unlimited-only", "--kind", "checkin"),
        ("--messages", "20000", "--chats", "5000", "--unlimited-only", "--kind", "checkin"),
        (Target("cpu_ms_per_message", 1.0, label="CPU ms per check-in"),),
    ),
    Goal(
        5,
        "growth",
        "benchmarks.growth",
        ("--rows", "300000", "--runs", "3"),
        ("--rows", "10000000", "--runs", "5"),
        (
            Target("claim_ms", 10, label="claim of the next batch, ms"),
            Target("stats_ms", 200, label="/stats for a month, ms"),
            Target("report_s", 5, label="the month's report, s"),
        ),
        database=True,
    ),
    Goal(
        6,
        "memory",
        "benchmarks.memory",
        ("--messages", "5000", "--presses", "500", "--chats", "5000"),
        ("--messages", "100000", "--presses", "10000", "--chats", "100000"),
        (Target("peak_rss_mb", 150, label="peak RSS, MB"),),
    ),
)
