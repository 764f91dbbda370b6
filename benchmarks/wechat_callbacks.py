"""WeChat callbacks under a burst: N enrolled followers write at once (the fake WeChat API
signs and POSTs each callback to the real bot's /wechat endpoint over loopback HTTP). WeChat
retries a callback not answered within 5 seconds, so the endpoint answers "success" first and
works afterwards; this prints how long the answers took and how long the work after them.

Run: `.venv/bin/python -m benchmarks.wechat_callbacks [--followers 200] [--text 帮助]`.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from bot.demo.harness import BotHarness
from bot.demo.runner import demo_settings
from tests.harness import START, record, seed
from tests.wechat_patients import enrol_on_wechat


async def timed_says(harness: BotHarness, openid: str, text: str) -> float:
    """Return the seconds from the fake's POST to the bot's answer."""
    assert harness.wechat is not None
    began = time.perf_counter()
    status = await harness.wechat.user_says(openid, text)
    assert status == 200
    return time.perf_counter() - began


async def burst(followers: int, text: str, folder: Path) -> None:
    settings = demo_settings(folder / "bench.db", "zh_CN", "示范医院")
    harness = BotHarness(settings, START)
    await harness.start()
    try:
        await harness.with_wechat()
        records = [record(f"ZY{n:05d}", line=n + 2) for n in range(followers)]
        await seed(harness.settings, *records)
        openids = [f"oBench{n:021d}" for n in range(followers)]
        for n, openid in enumerate(openids):
            await enrol_on_wechat(harness, openid, f"ZY{n:05d}")
        began = time.perf_counter()
        answers = await asyncio.gather(*(timed_says(harness, o, text) for o in openids))
        answered = time.perf_counter() - began
        await harness.wechat_settled()
        handled = time.perf_counter() - began
    finally:
        await harness.stop()
    ms = sorted(a * 1000 for a in answers)
    p99 = ms[min(len(ms) - 1, round(len(ms) * 0.99) - 1)]
    print(f"{followers} followers wrote {text!r} at once")
    print(
        f"  answered 'success': p50 {statistics.median(ms):.0f} ms, p99 {p99:.0f} ms, "
        f"max {ms[-1]:.0f} ms (WeChat retries after 5,000 ms); all answered in {answered:.2f} s"
    )
    print(
        f"  all handled (each answered in WeChat) {handled:.2f} s after the first POST: "
        f"{handled / followers * 1000:.1f} ms a message"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--followers", type=int, default=200)
    parser.add_argument("--text", default="帮助")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(burst(args.followers, args.text, Path(folder)))


if __name__ == "__main__":
    main()
