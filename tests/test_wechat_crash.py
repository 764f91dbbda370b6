"""kill -9 while sending to WeChat followers: `followup run` as a process, the fake WeChat API
(tests/fakes/http_wechat.py) as another, over loopback. Every due message reaches its
follower and is recorded sent; each kill repeats at most one message."""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from benchmarks.common import (
    ROOT,
    fill_outbox,
    free_port,
    migrated_sqlite,
    minutes_ago,
    start_fake_botapi,
)
from benchmarks.crash import (
    Followup,
    current_fingerprint,
    drug,
    kill,
    loopback,
    pending,
    query,
    stop,
    wait_until,
)
from bot.demo.fake_wechat import NOTICE_TEMPLATE
from bot.services.medicine_plan import MEDICATION_TEMPLATE
from bot.settings import ENV_PREFIX
from bot.storage.channel_chats import chat_key

pytestmark = pytest.mark.sqlite_only  # the processes run on SQLite files of their own
SEED, FOLLOWERS, MESSAGES, KILLS = 8, 20, 60, 2  # 3 messages each: inside WeChat's quota of 5
CUSTOM = "message/custom/send"


def openid(n: int) -> str:
    return f"oCrash{n:021d}"


@dataclass
class WeChatFollowup(Followup):
    """`followup run` with a WeChat service account on the fake WeChat API."""

    wechat_port: int = 0
    listen_port: int = 0

    def env(self) -> dict[str, str]:
        wechat = {
            "WECHAT_APP_ID": "wxfake0000000001",
            "WECHAT_APP_SECRET": "fake-app-secret",
            "WECHAT_TOKEN": "faketoken",
            "WECHAT_API_BASE": f"http://127.0.0.1:{self.wechat_port}",
            "WECHAT_NOTICE_TEMPLATE_ID": NOTICE_TEMPLATE,
        }
        return {**super().env(), **{f"{ENV_PREFIX}{k}": v for k, v in wechat.items()}}

    def run(self) -> subprocess.Popen[bytes]:
        return self.start("run", "--wechat-listen", f"127.0.0.1:{self.listen_port}")


def start_fake_wechat(callback_port: int) -> tuple[subprocess.Popen[bytes], int]:
    """Start the fake WeChat API in its own process and wait until it answers."""
    port = free_port()
    url = f"http://127.0.0.1:{callback_port}/wechat"
    command = [sys.executable, "-m", "tests.fakes.http_wechat", "--port", str(port)]
    process = subprocess.Popen([*command, "--callback-url", url], cwd=ROOT)
    wait_until(lambda: _answers(port), "the fake WeChat API to start", 30)
    return process, port


def _answers(port: int) -> bool:
    try:
        loopback(port, "/calls")
        return True
    except OSError:
        return False


def on_wechat(database: Path) -> None:
    """Move the seeded contacts to WeChat: each an openid, a chat key, an open window."""
    now = minutes_ago(0).strftime("%Y-%m-%d %H:%M:%S.%f")
    db = sqlite3.connect(database)
    for n in range(1, FOLLOWERS + 1):
        db.execute(
            "INSERT INTO channel_chats (id, channel, address) VALUES (?, 'wechat', ?)",
            (n, openid(n)),
        )
        db.execute(
            "UPDATE contacts SET chat_id = ?, user_id = ?, channel = 'wechat', address = ? "
            "WHERE id = ?",
            (chat_key(n), chat_key(n), openid(n), n),
        )
        db.execute(
            "INSERT INTO channel_windows (chat_id, last_inbound_at, sent_since_inbound, "
            "sent_since_event) VALUES (?, ?, 0, 0)",
            (chat_key(n), now),
        )
    db.commit()
    db.close()


def delivered(port: int) -> list[dict[str, Any]]:
    calls = loopback(port, "/calls")["calls"]
    return [c for c in calls if c["endpoint"] == CUSTOM and c["errcode"] == 0]


def kill_while_sending(followup: WeChatFollowup, delay: float) -> None:
    """Start `followup run`, and kill it `delay` seconds after its first WeChat delivery."""
    before = len(delivered(followup.wechat_port))
    bot = followup.run()
    wait_until(lambda: len(delivered(followup.wechat_port)) > before, "the bot to send")
    time.sleep(delay)
    assert kill(bot), f"followup run ended before the kill:\n{followup.log_tail()}"


def test_killed_while_sending_to_wechat_nothing_is_lost_and_a_kill_repeats_at_most_one(
    tmp_path: Path,
) -> None:
    rng, database = random.Random(SEED), tmp_path / "outbox.db"
    migrated_sqlite(database)
    payload = {"dose": "", "time": "08:00"}
    fill_outbox(
        database,
        FOLLOWERS,
        MESSAGES,
        MEDICATION_TEMPLATE,
        minutes_ago(1),
        current_fingerprint(),
        kind="medication",
        payload=lambda n: {"drug": drug(n), **payload},
    )
    on_wechat(database)
    listen = free_port()
    botapi, botapi_port = start_fake_botapi(False)
    wechat, wechat_port = start_fake_wechat(listen)
    try:
        for n in range(1, FOLLOWERS + 1):  # they wrote before: WeChat's windows are open
            loopback(wechat_port, f"/opens?openid={openid(n)}", {})
        followup = WeChatFollowup(tmp_path, database, botapi_port, wechat_port, listen)
        for _ in range(KILLS):
            kill_while_sending(followup, rng.uniform(0.0, 0.5))
        bot = followup.run()
        wait_until(lambda: not pending(database), "every row to be finished")
        stop(bot)
        sent = delivered(wechat_port)
    finally:
        kill(botapi)
        kill(wechat)
    words = Counter((c["openid"], c["text"]) for c in sent)
    rows = query(
        database,
        "SELECT m.occurrence, c.address, m.status FROM scheduled_messages m "
        "JOIN contacts c ON c.id = m.contact_id",
    )
    assert len(rows) == MESSAGES
    lost = [
        n
        for n, to, status in rows
        if status != "sent" or not any(drug(n) in text for (o, text) in words if o == to)
    ]
    assert lost == [], followup.log_tail()
    assert sum(words.values()) - len(words) <= KILLS  # repeated messages
