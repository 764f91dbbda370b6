"""`followup run` for real: a subprocess polling the fake Bot API over loopback HTTP."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.common import fake_stats, fill_outbox, migrated_sqlite, start_fake_botapi
from benchmarks.crash import loopback
from benchmarks.startup_run import HELP_CHAT, help_update
from bot.demo.fake_telegram import TOKEN
from bot.services.planning import load_scheduling
from bot.templating import Renderer
from tests.harness import make_settings

ROOT = Path(__file__).resolve().parent.parent


def test_run_polls_dispatches_and_stops_cleanly(tmp_path: Path) -> None:
    database = tmp_path / "run.db"
    migrated_sqlite(database)
    same_plans = make_settings(tmp_path, send_windows="00:00-23:59", skip_holidays=False)
    fingerprint = load_scheduling(same_plans, Renderer()).fingerprint  # no re-planning at start
    fill_outbox(
        database,
        1,
        2,
        "plans/general/day1_home_care",
        datetime.now(UTC) - timedelta(minutes=1),
        fingerprint,
    )
    server, port = start_fake_botapi(limits=True)
    bot = _start_run(tmp_path, database, port)
    try:
        errors = _stop_once(bot, lambda: fake_stats(port)["delivered"] >= 2)
        delivered = fake_stats(port)["delivered"]
    finally:
        server.kill()
    assert delivered == 2, errors[-2000:]
    assert bot.returncode == 0
    assert "Traceback" not in errors
    assert TOKEN not in errors  # the token never reaches the log


def test_a_first_start_makes_its_database_and_answers(tmp_path: Path) -> None:
    database = tmp_path / "data" / "followup.db"  # no file yet: the first start makes it
    server, port = start_fake_botapi(limits=True)
    loopback(port, "/updates", help_update(HELP_CHAT))
    bot = _start_run(tmp_path, database, port)
    try:
        errors = _stop_once(bot, lambda: bool(loopback(port, f"/sent?chat_id={HELP_CHAT}")))
        answered = loopback(port, f"/sent?chat_id={HELP_CHAT}")
    finally:
        server.kill()
    assert answered, errors[-2000:]
    assert bot.returncode == 0 and database.exists()
    assert "Traceback" not in errors


def _start_run(folder: Path, database: Path, port: int) -> subprocess.Popen[str]:
    """Start `followup run` on a SQLite file, polling the fake Bot API on port."""
    env = {
        **os.environ,
        "FOLLOWUP_TELEGRAM_TOKEN": TOKEN,
        "FOLLOWUP_HOSPITAL_NAME": "市第一人民医院",
        "FOLLOWUP_DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "FOLLOWUP_TELEGRAM_BASE_URL": f"http://127.0.0.1:{port}/bot",
        "FOLLOWUP_DISPATCH_INTERVAL": "0.5",
        "FOLLOWUP_SEND_WINDOWS": "00:00-23:59",
        "FOLLOWUP_SKIP_HOLIDAYS": "false",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _stop_once(bot: subprocess.Popen[str], done: Callable[[], bool]) -> str:
    """Wait until done() (up to about 30 s on a slow machine) or the bot exits, stop it as
    Ctrl-C would, and return what it logged."""
    try:
        for _ in range(300):
            if bot.poll() is not None or done():
                break
            time.sleep(0.1)
        bot.send_signal(signal.SIGINT)
        _, errors = bot.communicate(timeout=30)
    finally:
        bot.kill()
    return errors
