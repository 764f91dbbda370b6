"""`followup run` as a real process, timed from its launch until it is ready.

Ready: the bot polls for updates (a patient's /help, queued at the fake Bot API before the
launch, is answered) and the dispatcher has started its work (a message due now reached the
fake). Both over loopback HTTP, through the whole start path: imports, settings, plans, the
integrity check after an unclean stop, migrations check, getMe, the first dispatcher tick.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.crash import Followup, loopback, stop
from benchmarks.crash import kill as crash_kill
from bot.domain.messages import MessageKind, MessageStatus

ROOT = Path(__file__).resolve().parent.parent
HELP_CHAT = 900_000_000  # no contact has it: a stranger's /help
PATIENCE = 900.0  # seconds; a cold start on a 10-million-row file on a busy machine


@dataclass(frozen=True)
class Start:
    """One start: seconds from launch to ready, the process's CPU time (user and system)
    and peak RSS by then, and seconds to the /help's answer alone (after an unclean stop
    the bot answers people while the file's check runs, and sends only once it passed)."""

    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    answered_seconds: float


class CheckoutFollowup(Followup):
    """`followup` run from this checkout's code, whichever is installed."""

    def env(self) -> dict[str, str]:
        """Return Followup's environment with this checkout first on the path."""
        return {**super().env(), "PYTHONPATH": str(ROOT)}


def compile_bytecode() -> None:
    """Compile the bot's modules, as installing the package does: a start reads them then,
    even where PYTHONDONTWRITEBYTECODE keeps a start from writing them."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "bot")], check=True)


def add_due_message(database: Path, contact: int) -> None:
    """Add one message due now for a contact (chat 10,000 + its id)."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    with closing(sqlite3.connect(database)) as db:
        earlier = "SELECT count(*) FROM scheduled_messages WHERE step_key = 'startup'"
        occurrence = db.execute(earlier).fetchone()[0]  # a kept file has some already
        db.execute(
            "INSERT INTO scheduled_messages (contact_id, patient_id, episode_id, step_key, "
            "occurrence, kind, template, payload, due_at, send_at, status, attempts, tries, "
            "answer_timeout_s, created_at, updated_at) "
            "VALUES (?,?,?,'startup',?,?,'plans/general/day7_checkin','{}',?,?,?,0,0,86400,?,?)",
            (
                contact,
                contact,
                contact,
                occurrence,
                MessageKind.MESSAGE.value,
                stamp,
                stamp,
                MessageStatus.PENDING.value,
                stamp,
                stamp,
            ),
        )
        db.commit()


def start_until_ready(followup: Followup, contact: int, help_chat: int) -> tuple[Start, Any]:
    """Launch `followup run`; return when it answered help_chat and sent to the contact."""
    chats = (help_chat, 10_000 + contact)
    before = [_sent(followup.port, chat) for chat in chats]  # from earlier starts
    loopback(followup.port, "/updates", help_update(help_chat))
    started = time.perf_counter()
    process = followup.start("run")
    reached: dict[int, float] = {}
    while len(reached) < len(chats):
        if process.poll() is not None or time.perf_counter() - started > PATIENCE:
            process.kill()
            raise RuntimeError(f"followup run did not get ready:\n{followup.log_tail()}")
        for chat, sent in zip(chats, before, strict=True):
            if chat not in reached and _sent(followup.port, chat) > sent:
                reached[chat] = time.perf_counter() - started
        time.sleep(0.01)
    start = Start(
        max(reached.values()),
        _cpu_seconds(process.pid),
        _peak_rss_mb(process.pid),
        reached[help_chat],
    )
    return start, process


def stop_cleanly(process: Any) -> None:
    """Stop as an operator would (Ctrl-C): the bot records its clean stop."""
    if stop(process) != 0:
        raise RuntimeError("followup run did not stop cleanly")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmHWM"))
    return int(line.split()[1]) / 1024


def _sent(port: int, chat: int) -> int:
    return len(loopback(port, f"/sent?chat_id={chat}"))


def help_update(chat: int) -> dict[str, Any]:
    """Bot API JSON of /help typed in a private chat (the fake gives it its update_id)."""
    message: dict[str, Any] = {"message_id": 1, "date": int(time.time()), "text": "/help"}
    message |= {"chat": {"id": chat, "type": "private"}}
    message |= {"from": {"id": chat, "is_bot": False, "first_name": f"User{chat}"}}
    message |= {"entities": [{"type": "bot_command", "offset": 0, "length": 5}]}
    return {"message": message}


def measure_size(
    folder: Path, port: int, rows: int, fingerprint: str, kept: Path | None = None
) -> dict[str, Any]:
    """Start on a file of `rows` rows twice: after a clean stop, then after a kill -9. With
    `kept`, that file is filled once and kept: later runs start on it as it is."""
    from benchmarks.common import migrated_sqlite
    from benchmarks.startup_fill import fill_history, plan_history
    from bot.storage.clean_stop import record_clean_stop

    database = kept or folder / f"startup-{rows}.db"
    began, reused = time.perf_counter(), kept is not None and kept.exists()
    if reused:
        history = plan_history(rows)  # as filled by an earlier run with the same --rows
    else:
        migrated_sqlite(database)
        history = fill_history(database, rows, fingerprint)
    filled = time.perf_counter() - began
    followup = CheckoutFollowup(folder, database, port)
    add_due_message(database, 1)
    record_clean_stop(database)
    clean, process = start_until_ready(followup, 1, HELP_CHAT + 2 * rows)
    crash_kill(process)
    add_due_message(database, 2)
    unclean, process = start_until_ready(followup, 2, HELP_CHAT + 2 * rows + 1)
    stop_cleanly(process)
    size = database.stat().st_size / 1e6
    return {
        "history": history,
        "fill_s": None if reused else filled,
        "file_mb": size,
        "clean": clean,
        "unclean": unclean,
    }
