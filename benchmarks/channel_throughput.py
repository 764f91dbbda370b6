"""Benchmark: the dispatcher sending to WeChat followers or SMS numbers, against the fake
WeChat API or the fake SMS provider enforcing the platform's documented limits, each fake
in its own process over loopback HTTP.

Run: .venv/bin/python -m benchmarks.channel_throughput --channel wechat|sms
    [--messages 3000] [--recipients 1500] [--rate R] [--provider aliyun|tencent|generic]
(or `benchmarks.dispatch_throughput --channel wechat|sms`).

WeChat: every follower wrote first (their 48-hour windows open, on the fake and in our
record), so each message goes as a customer-service message; printed: msg/s delivered,
WeChat's refusals by errcode, messages held for a closed window, lost and duplicates.
SMS: each message is kept on the person's page and a notice SMS tells them (one unread at
a time); printed: msg/s kept on the pages, notices sent and owed, the provider's refusals
by code, people neither texted nor owed a notice, lost and duplicates on the pages.
Both paced as `followup run` paces them (FOLLOWUP_RATE unless --rate is given).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sqlite3
import tempfile
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from pydantic import SecretStr

from benchmarks.common import ROOT, fill_outbox, migrated_sqlite, minutes_ago, start_fake
from bot.channels.sms.runtime import open_sms
from bot.channels.web.server import open_web
from bot.channels.wechat.api import WeChatApi
from bot.channels.wechat.channel import WeChatChannel
from bot.demo.fake_sms import FakeSms
from bot.demo.fake_wechat import NOTICE_TEMPLATE
from bot.dispatch.compose import MessageComposer, SurveyBook
from bot.dispatch.dispatcher import DispatchConfig, Dispatcher
from bot.dispatch.pacing import Pacer
from bot.domain.channel_messages import Address, ChannelName
from bot.domain.clock import SystemClock
from bot.domain.sms import SmsProviderName
from bot.services.planning import send_policy
from bot.settings import Settings, WeChatAccount
from bot.storage.store import Store
from bot.templating import Renderer

TOKEN = "123456:" + "B" * 35
WEB_SECRET = "bench-web-secret-0123456789abcdef"
CUSTOM = "message/custom/send"
SHANGHAI = ZoneInfo("Asia/Shanghai")
Figures = dict[str, Any]


def openid(n: int) -> str:
    return f"oBench{n:021d}"


def phone(n: int) -> str:
    return f"138{n:08d}"


def bench_renderer(folder: Path) -> Renderer:
    """The shipped messages plus a template printing the message's number (to count)."""
    shutil.copytree(ROOT / "messages", folder)
    for locale in ("zh_CN", "en"):
        (folder / locale / "bench").mkdir(exist_ok=True)
        (folder / locale / "bench" / "message.txt").write_text("消息 {{ n }}", encoding="utf-8")
    return Renderer(folder)


def move_contacts(path: Path, channel: ChannelName, recipients: int) -> None:
    """Put every contact on the channel, at its own address there."""
    address = openid if channel is ChannelName.WECHAT else phone
    db = sqlite3.connect(path)
    db.executemany(
        "UPDATE contacts SET channel = ?, address = ? WHERE id = ?",
        ((channel.value, address(n), n) for n in range(1, recipients + 1)),
    )
    db.commit()
    db.close()


def calls(port: int) -> dict[str, Any]:
    """Read the fake's record of what it was sent and refused."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/calls", timeout=30) as answer:
        return dict(json.loads(answer.read()))


@dataclass(frozen=True)
class Run:
    """What one run sends, how fast, through which provider, with whose turns."""

    channel: ChannelName
    messages: int
    recipients: int
    rate: float
    provider: SmsProviderName
    shared: bool  # SMS rows take Telegram's turns, as before they had their own pacer
    quota: int | None = None  # the fake WeChat's daily quota of customer-service messages


def dispatcher_for(store: Store, renderer: Renderer, run: Run, sender: Any) -> Dispatcher:
    """A dispatcher sending everything due at once, paced as `followup run` paces: Telegram's
    pacer the default, WeChat and SMS their own (but SMS with `shared`)."""
    clock = SystemClock()
    surveys = SurveyBook({}, timedelta(days=3), SHANGHAI)
    composer = MessageComposer(store, renderer, "基准医院", clock, surveys)
    config = DispatchConfig(290, timedelta(seconds=120), timedelta(days=2))
    telegram = Pacer(run.rate)  # FOLLOWUP_RATE with Telegram's per-chat spacing
    own = Pacer(run.rate, per_chat_interval=0)  # as open_wechat and sms_pacer pace theirs
    pacers = {} if run.shared else {run.channel: own}
    return Dispatcher(store, composer, {run.channel: sender}, clock, telegram, config, pacers)


async def dispatch(dispatcher: Dispatcher) -> tuple[float, float]:
    """Send until a round sends nothing (what is left waits to be retried later); return
    the wall seconds and the CPU seconds it took."""
    started, cpu = time.perf_counter(), time.process_time()
    while (await dispatcher.run_once(budget_seconds=30)).sent:
        pass
    return time.perf_counter() - started, time.process_time() - cpu


async def wechat_run(url: str, port: int, renderer: Renderer, run: Run) -> tuple[float, float]:
    """Open every follower's window (they wrote), then dispatch; return its seconds."""
    clock, store = SystemClock(), Store.open(url)
    base = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(base_url=base) as client:
        for n in range(1, run.recipients + 1):
            await client.post("/opens", params={"openid": openid(n)})
            chat = await store.channel_chats.key_for(Address(ChannelName.WECHAT, openid(n)))
            await store.channel_windows.opened(chat, clock.now())
    account = WeChatAccount(
        "wxfake0000000001", "fake-app-secret", "faketoken", None, base, NOTICE_TEMPLATE
    )
    async with WeChatApi(account, store.channel_tokens, clock) as api:
        channel = WeChatChannel(store, renderer, clock, api, NOTICE_TEMPLATE, "zh_CN")
        timing = await dispatch(dispatcher_for(store, renderer, run, channel))
    await store.close()
    return timing


def sms_settings(url: str, port: int, provider: SmsProviderName) -> Settings:
    """The settings of a bot texting through the fake provider, at any hour of the day (the
    run's rate paces the dispatcher, so it may exceed what FOLLOWUP_RATE allows)."""
    base = Settings(
        _env_file=None,
        telegram_token=TOKEN,
        database_url=url,
        hospital_name="基准医院",
        public_url="http://127.0.0.1",
        web_secret=SecretStr(WEB_SECRET),
        send_windows="00:00-23:59",
        skip_holidays=False,
    )
    fake = FakeSms(SystemClock(), provider)  # its account, as the process's defaults
    fake.port = port
    return fake.settings_for(base)


async def sms_run(url: str, port: int, renderer: Renderer, run: Run) -> tuple[float, float]:
    """Dispatch through the SMS channel over the pages; return its seconds."""
    settings = sms_settings(url, port, run.provider)
    clock, store = SystemClock(), Store.open(url)
    policy = send_policy(settings)
    web = open_web(settings, store, renderer, clock)
    sms = open_sms(settings, store, renderer, clock, web, policy)
    try:
        timing = await dispatch(dispatcher_for(store, renderer, run, sms.channel))
    finally:
        await sms.close()
        await store.close()
    return timing


def numbers(texts: list[str]) -> Counter[str]:
    """Count each message number ("消息 n") among the words delivered."""
    return Counter(text for text in texts if text.startswith("消息 "))


def delivered(messages: int, seen: Counter[str], seconds: float) -> Figures:
    return {
        "messages": messages,
        "seconds": seconds,
        "rate": len(seen) / seconds,
        "duplicates": sum(count - 1 for count in seen.values()),
    }


def wechat_figures(port: int, path: Path, messages: int, seconds: float) -> Figures:
    record = calls(port)["calls"]
    sent = [c for c in record if c["endpoint"] == CUSTOM and c["errcode"] == 0]
    seen = numbers([c["text"] for c in sent])
    refused = Counter(str(c["errcode"]) for c in record if c["errcode"] != 0)
    db = sqlite3.connect(path)
    [held] = db.execute("SELECT count(*) FROM held_messages").fetchone()
    db.close()
    waiting = pending(path)
    return {
        **delivered(messages, seen, seconds),
        "limit_errors": sum(refused.values()),
        "refused": dict(refused),
        "held": held,
        "waiting_to_retry": waiting,
        "lost": messages - len(seen) - held - waiting,
    }


def pending(path: Path) -> int:
    """Count the rows still to send (a refusal's retry, later)."""
    db = sqlite3.connect(path)
    [count] = db.execute(
        "SELECT count(*) FROM scheduled_messages WHERE status = 'pending'"
    ).fetchone()
    db.close()
    return int(count)


def sms_figures(port: int, path: Path, messages: int, recipients: int, seconds: float) -> Figures:
    record = calls(port)
    db = sqlite3.connect(path)
    seen = numbers([text for (text,) in db.execute("SELECT text FROM web_feed")])
    [owed] = db.execute("SELECT count(*) FROM sms_owed").fetchone()
    db.close()
    texted = Counter(send["phone"] for send in record["sends"])
    refused = Counter(record["refused"])
    waiting = pending(path)
    return {
        **delivered(messages, seen, seconds),
        "waiting_to_retry": waiting,
        "lost": messages - len(seen) - waiting,
        "limit_errors": sum(refused.values()),
        "refused": dict(refused),
        "notices_sent": sum(texted.values()),
        "notices_owed": owed,
        "notice_duplicates": sum(count - 1 for count in texted.values()),
        "people_not_told": recipients - len(texted) - owed,
    }


def measure(run: Run) -> Figures:
    """Fill a fresh database, dispatch everything against the channel's fake, count."""
    wechat = run.channel is ChannelName.WECHAT
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        url = migrated_sqlite(path)
        fill_outbox(path, run.recipients, run.messages, "bench/message", minutes_ago(1))
        move_contacts(path, run.channel, run.recipients)
        renderer = bench_renderer(Path(folder) / "messages")
        if wechat:
            quota = () if run.quota is None else ("--custom-daily-quota", str(run.quota))
            server, port = start_fake("tests.fakes.http_wechat", calls, *quota)
        else:
            server, port = start_fake(
                "tests.fakes.http_sms", calls, "--provider", run.provider.value
            )
        try:
            sending = wechat_run if wechat else sms_run
            seconds, cpu = asyncio.run(sending(url, port, renderer, run))
            if wechat:
                figures = wechat_figures(port, path, run.messages, seconds)
            else:
                figures = sms_figures(port, path, run.messages, run.recipients, seconds)
        finally:
            server.kill()
    return {**figures, "cpu_ms_per_message": 1000 * cpu / run.messages}


def print_figures(channel: ChannelName, rate: float, figures: Figures) -> None:
    for key, value in figures.items():
        shown = f"{value:.2f}" if isinstance(value, float) else str(value)
        print(f"{key:24}{shown:>24}")
    print(
        f"{channel.value} paced at {rate} msg/s; target: rate >= 95% of the pacing rate with "
        "0 limit errors, 0 lost, 0 duplicates"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--channel", choices=["wechat", "sms"], required=True)
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--recipients", type=int, default=1500)
    parser.add_argument("--rate", type=float, default=Settings.model_fields["rate"].default)
    parser.add_argument("--provider", choices=list(SmsProviderName), default="aliyun")
    parser.add_argument(
        "--telegram-pacer",
        action="store_true",
        help="SMS rows take Telegram's turns, as before SMS had its own pacer.",
    )
    parser.add_argument(
        "--wechat-quota", type=int, help="The fake WeChat's daily quota (default 500,000)."
    )
    parser.add_argument("--json", type=Path, help="Write the figures to this file as JSON.")
    args = parser.parse_args(argv)
    channel = ChannelName(args.channel)
    run = Run(
        channel,
        args.messages,
        args.recipients,
        args.rate,
        SmsProviderName(args.provider),
        args.telegram_pacer,
        args.wechat_quota,
    )
    figures = measure(run)
    print_figures(channel, args.rate, figures)
    if args.json is not None:
        args.json.write_text(json.dumps({"figures": figures}), encoding="utf-8")


if __name__ == "__main__":
    main()
