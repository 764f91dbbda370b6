"""`followup run` as a real process, timed from its launch until it is ready.

Ready: the bot polls for updates (a patient's /help, queued at the fake Bot API before the
launch, is answered) and the dispatcher has started its work (a message due now reached the
fake). Both over loopback HTTP, through the whole start path: imports, settings, plans, the
integrity check after an unclean stop, migrations check, getMe, the first dispatcher tick.
"""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.crash import Followup, loopback, stop
from benchmarks.crash import kill as crash_kill
from bot.domain.messages import MessageKind, MessageStatus

HELP_CHAT = 900_000_000  # no contact has it: a stranger's /help
PATIENCE = 900.0  # seconds; a cold start on a 10-million-row file on a busy machine


@dataclass(frozen=True)
class Start:
    """One start: seconds from launch to ready, the process's peak RSS by then."""

    seconds: float
    peak_rss_mb: float


def add_due_message(database: Path, contact: int) -> None:
    """Add one message due now for a contact (chat 10,000 + its id)."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    with closing(sqlite3.connect(database)) as db:
        db.execute(
            "INSERT INTO scheduled_messages (contact_id, patient_id, episode_id, step_key, "
            "occurrence, kind, template, payload, due_at, send_at, status, attempts, tries, "
            "answer_timeout_s, created_at, updated_at) "
            "VALUES (?,?,?,'startup',0,?,'plans/general/day7_checkin','{}',?,?,?,0,0,86400,?,?)",
            (
                contact,
                contact,
                contact,
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
    loopback(followup.port, "/updates", _help_update(help_chat))
    started = time.perf_counter()
    process = followup.start("run")
    chats = (help_chat, 10_000 + contact)
    while not all(_sent(followup.port, chat) for chat in chats):
        if process.poll() is not None or time.perf_counter() - started > PATIENCE:
            process.kill()
            raise RuntimeError(f"followup run did not get ready:\n{followup.log_tail()}")
        time.sleep(0.01)
    seconds = time.perf_counter() - started
    return Start(seconds, _peak_rss_mb(process.pid)), process


def stop_cleanly(process: Any) -> None:
    """Stop as an operator would (Ctrl-C): the bot records its clean stop."""
    if stop(process) != 0:
        raise RuntimeError("followup run did not stop cleanly")


def _peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmHWM"))
    return int(line.split()[1]) / 1024


def _sent(port: int, chat: int) -> bool:
    return bool(loopback(port, f"/sent?chat_id={chat}"))


def _help_update(chat: int) -> dict[str, Any]:
    """Bot API JSON of /help typed in a private chat (the fake gives it its update_id)."""
    message: dict[str, Any] = {"message_id": 1, "date": int(time.time()), "text": "/help"}
    message |= {"chat": {"id": chat, "type": "private"}}
    message |= {"from": {"id": chat, "is_bot": False, "first_name": f"User{chat}"}}
    message |= {"entities": [{"type": "bot_command", "offset": 0, "length": 5}]}
    return {"message": message}


def measure_size(folder: Path, port: int, rows: int, fingerprint: str) -> dict[str, Any]:
    """Start on a file of `rows` rows twice: after a clean stop, then after a kill -9."""
    from benchmarks.common import migrated_sqlite
    from benchmarks.startup_fill import fill_history
    from bot.storage.clean_stop import record_clean_stop

    database = folder / f"startup-{rows}.db"
    migrated_sqlite(database)
    began = time.perf_counter()
    history = fill_history(database, rows, fingerprint)
    filled = time.perf_counter() - began
    followup = Followup(folder, database, port)
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
        "fill_s": filled,
        "file_mb": size,
        "clean": clean,
        "unclean": unclean,
    }
