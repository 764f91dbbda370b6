"""Benchmark: the dispatcher against the fake Bot API over loopback HTTP.

Run: .venv/bin/python -m benchmarks.dispatch_throughput [--messages 20000] [--chats 5000]
Prints, side by side: paced run under Telegram's limits (msg/s, lost, duplicates, 429s) and
an unlimited run (CPU ms per message). The paced run sends at `--rate` (FOLLOWUP_RATE's
default unless given); `--paced-only` skips the unlimited run.

With `--against PATH --unlimited-only`, the unlimited run is made `--pairs` times with this
checkout's code and with the checkout at PATH (its own .venv), alternately, and both figures
are printed: the CPU per message before and after a change, measured in the same minutes.
`--channel wechat|sms` measures that channel against its fake instead (with --messages,
--chats as the recipients, --rate and --json; see benchmarks.channel_throughput).
`--json PATH` writes {"figures": {"cpu_ms_per_message": ..., "paced_msg_per_s": ...,
"paced_429s": ..., "paced_lost": ..., "paced_duplicates": ...}} (the runs made).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from telegram.ext import ExtBot

from benchmarks.common import (
    fake_stats,
    fill_outbox,
    migrated_sqlite,
    minutes_ago,
    start_fake_botapi,
)
from benchmarks.side_by_side import alternate, report
from bot.channels.telegram.flood import PacedLimiter
from bot.channels.telegram.http_request import AiohttpRequest
from bot.channels.telegram.transport import TelegramChannel
from bot.dispatch.compose import MessageComposer, SurveyBook
from bot.dispatch.dispatcher import DispatchConfig, Dispatcher
from bot.dispatch.pacing import Pacer
from bot.domain.channel_messages import ChannelName
from bot.domain.clock import SystemClock
from bot.settings import Settings
from bot.storage.store import Store
from bot.templating import Renderer

TOKEN = "123456:" + "B" * 35


def bench_messages(folder: Path) -> Renderer:
    """A renderer whose only template prints the message number (to count duplicates)."""
    for locale in ("zh_CN", "en"):
        (folder / locale / "bench").mkdir(parents=True)
        (folder / locale / "bench" / "message.txt").write_text("消息 {{ n }}", encoding="utf-8")
    return Renderer(folder)


async def dispatch_all(
    url: str, port: int, rate: float, per_chat: float, renderer: Renderer, limits: bool
) -> float:
    """Run the dispatcher until no row is pending; return the wall time it took."""
    request = AiohttpRequest(connection_pool_size=48)  # as build_app sets them
    polling = AiohttpRequest(connection_pool_size=1)
    limiter = PacedLimiter() if limits else None  # as `followup run` does
    bot: ExtBot[int] = ExtBot(
        TOKEN,
        base_url=f"http://127.0.0.1:{port}/bot",
        request=request,
        get_updates_request=polling,
        rate_limiter=limiter,
    )
    store = Store.open(url)
    batch = min(500, max(10, int(rate * 10)))
    config = DispatchConfig(batch, timedelta(seconds=max(120, 4 * batch / rate)), timedelta(days=2))
    async with bot:
        surveys = SurveyBook({}, timedelta(days=3), ZoneInfo("Asia/Shanghai"))
        composer = MessageComposer(store, renderer, "基准医院", SystemClock(), surveys)
        channels = {ChannelName.TELEGRAM: TelegramChannel(bot)}
        pacer = Pacer(rate, per_chat)
        if limiter is not None:
            limiter.attach(pacer)
        dispatcher = Dispatcher(store, composer, channels, SystemClock(), pacer, config)
        started = time.perf_counter()
        while await store.outbox.count_pending():  # rows of other processes and retries too
            if not (await dispatcher.run_once(budget_seconds=30)).sent:
                await asyncio.sleep(0.2)  # leased by another process, or waiting to retry
        elapsed = time.perf_counter() - started
    await store.close()
    return elapsed


def run(
    messages: int, chats: int, rate: float, per_chat: float, limits: bool, kind: str = "message"
) -> dict[str, float]:
    """Fill a fresh database, dispatch everything, and report the figures."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        url = migrated_sqlite(path)
        fill_outbox(path, chats, messages, "bench/message", minutes_ago(1), kind=kind)
        renderer = bench_messages(Path(folder) / "messages")
        server, port = start_fake_botapi(limits)
        try:
            cpu = time.process_time()
            elapsed = asyncio.run(dispatch_all(url, port, rate, per_chat, renderer, limits))
            cpu = time.process_time() - cpu
            stats = fake_stats(port)
        finally:
            server.kill()
    return {
        "messages": messages,
        "seconds": elapsed,
        "rate": stats["unique"] / elapsed,
        "lost": messages - stats["unique"],
        "duplicates": stats["duplicates"],
        "429s": stats["rejected_429"],
        "cpu_ms_per_message": 1000 * cpu / messages,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--chats", type=int, default=5_000)
    parser.add_argument("--rate", type=float, default=Settings.model_fields["rate"].default)
    parser.add_argument("--unlimited-only", action="store_true", help="Skip the paced run.")
    parser.add_argument("--paced-only", action="store_true", help="Skip the unlimited run.")
    parser.add_argument(
        "--kind",
        default="message",
        help="Kind of the rows (education or checkin go through the plan-order check).",
    )
    parser.add_argument(
        "--against",
        type=Path,
        help="Another checkout: its unlimited run alternates with this one's (--unlimited-only).",
    )
    parser.add_argument("--pairs", type=int, default=3, help="Runs of each with --against.")
    parser.add_argument("--json", type=Path, help="Write the figures to this file as JSON.")
    parser.add_argument("--channel", choices=("telegram", "wechat", "sms"), default="telegram")
    args = parser.parse_args()
    if args.channel != "telegram":
        other_channel(args)
        return
    if args.against is not None:
        compare(args)
        return
    if args.paced_only:
        paced = run(args.messages, args.chats, args.rate, 1.0, limits=True, kind=args.kind)
        print_runs(args.rate, {"paced, limits on": paced})
        write_json(args.json, paced_figures(paced))
        return
    free = run(args.messages, args.chats, 100_000.0, 0.0, limits=False, kind=args.kind)
    figures: dict[str, float] = {"cpu_ms_per_message": free["cpu_ms_per_message"]}
    if args.unlimited_only:
        print({key: round(value, 3) for key, value in free.items()})
        write_json(args.json, figures)
        return
    paced = run(args.messages, args.chats, args.rate, 1.0, limits=True, kind=args.kind)
    print_runs(args.rate, {"paced, limits on": paced, "no limits": free})
    write_json(args.json, {**figures, **paced_figures(paced)})


def other_channel(args: argparse.Namespace) -> None:
    """Measure WeChat or SMS against its fake (benchmarks.channel_throughput)."""
    from benchmarks import channel_throughput  # WeChat's and SMS's modules only when asked

    argv = [
        *("--channel", args.channel, "--messages", str(args.messages)),
        *("--recipients", str(args.chats), "--rate", str(args.rate)),
        *(("--json", str(args.json)) if args.json is not None else ()),
    ]
    channel_throughput.main(argv)


def paced_figures(paced: dict[str, float]) -> dict[str, float]:
    """The paced run's figures, named for the combined benchmark."""
    return {
        "paced_msg_per_s": paced["rate"],
        "paced_429s": paced["429s"],
        "paced_lost": paced["lost"],
        "paced_duplicates": paced["duplicates"],
    }


def print_runs(rate: float, runs: dict[str, dict[str, float]]) -> None:
    """Print the runs side by side, and the target."""
    print(f"{'':32}" + "".join(f"{name:>20}" for name in runs))
    for key in ("messages", "seconds", "rate", "lost", "duplicates", "429s", "cpu_ms_per_message"):
        print(f"{key:32}" + "".join(f"{figures[key]:>20.2f}" for figures in runs.values()))
    print(
        f"paced at {rate} msg/s; target: rate >= 28.5 msg/s with 0 lost, 0 duplicates, "
        "0 429s; CPU <= 1 ms per message without limits"
    )


def compare(args: argparse.Namespace) -> None:
    """Measure the unlimited run here and in another checkout, alternately; print both."""
    command = [
        "benchmarks.dispatch_throughput",
        *("--messages", str(args.messages), "--chats", str(args.chats), "--kind", args.kind),
        "--unlimited-only",
    ]
    pairs = alternate(args.against, command, "cpu_ms_per_message", args.pairs)
    print(report(pairs, "CPU ms per message, no limits", args.against))
    print("target: CPU <= 1 ms per message without limits")
    write_json(
        args.json,
        {
            "cpu_ms_per_message": statistics.median(pairs.this),
            "cpu_ms_per_message_previous": statistics.median(pairs.other),
        },
    )


def write_json(path: Path | None, figures: dict[str, float]) -> None:
    """Write the figures for the combined benchmark, when asked."""
    if path is not None:
        path.write_text(json.dumps({"figures": figures}), encoding="utf-8")


if __name__ == "__main__":
    main()
