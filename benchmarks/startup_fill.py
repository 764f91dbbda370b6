"""Fill a migrated SQLite file with a hospital's history: the outbox, deliveries and answers.

Raw sqlite3 executemany, one transaction per table, so 10 million rows take minutes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.common import fill_outbox
from bot.domain.messages import DeliveryOutcome, MessageKind, MessageStatus
from bot.domain.step_answers import StepAnswer

TEMPLATE = "plans/general/day7_checkin"
STAMP = "%Y-%m-%d %H:%M:%S.%f"


@dataclass(frozen=True)
class History:
    """How many rows of each kind a fill wrote."""

    chats: int
    pending: int
    sent: int
    deliveries: int
    answers: int

    @property
    def rows(self) -> int:
        """Return the rows in the tables that grow: the outbox, deliveries and answers."""
        return self.pending + self.sent + self.deliveries + self.answers


def plan_history(rows: int) -> History:
    """Share rows out: 40% outbox (half pending, half sent), 30% deliveries, 30% answers;
    one chat per ten rows (at least two)."""
    outbox, deliveries = rows * 4 // 10, rows * 3 // 10
    pending = outbox // 2
    return History(
        max(2, rows // 10), pending, outbox - pending, deliveries, rows - outbox - deliveries
    )


def fill_history(path: Path, rows: int, fingerprint: str) -> History:
    """Fill a migrated file with `rows` rows across the outbox, deliveries and answers."""
    history = plan_history(rows)
    now = datetime.now(UTC)
    later = now + timedelta(days=3)
    fill_outbox(path, history.chats, history.pending, TEMPLATE, later, fingerprint)
    if history.sent == 0:
        return history
    db = sqlite3.connect(path)
    db.execute("PRAGMA synchronous=OFF")
    first_sent = history.pending + 1  # fill_outbox's rows take the ids before
    db.executemany(
        "INSERT INTO scheduled_messages (contact_id, patient_id, episode_id, step_key, "
        "occurrence, kind, template, payload, due_at, send_at, status, attempts, tries, "
        "answer_timeout_s, sent_at, created_at, updated_at) "
        "VALUES (?,?,?,'history',?,?,?,'{}',?,?,?,1,1,86400,?,?,?)",
        _sent_rows(history, now),
    )
    db.commit()
    db.executemany(
        "INSERT INTO deliveries (message_id, chat_id, at, outcome, purpose, channel) "
        "VALUES (?,?,?,?,'outbox','telegram')",
        (
            (first_sent + n % history.sent, 10_000 + n % history.chats + 1, at, sent)
            for n, at, sent in _stamped(history.deliveries, now, DeliveryOutcome.SENT.value)
        ),
    )
    db.commit()
    db.executemany(
        "INSERT INTO step_answers (message_id, contact_id, answer, at) VALUES (?,?,?,?)",
        (
            (first_sent + n % history.sent, n % history.chats + 1, answer, at)
            for n, at, answer in _stamped(history.answers, now, StepAnswer.TAKEN.value)
        ),
    )
    db.commit()
    db.close()
    return history


def _sent_rows(history: History, now: datetime) -> Iterator[tuple[object, ...]]:
    kind, status = MessageKind.MESSAGE.value, MessageStatus.SENT.value
    for n, at, template in _stamped(history.sent, now, TEMPLATE):
        contact = n % history.chats + 1
        yield (contact, contact, contact, n, kind, template, at, at, status, at, at, at)


def _stamped(count: int, now: datetime, value: str) -> Iterator[tuple[int, str, str]]:
    """Number count rows, each stamped with a time over the past three years."""
    span = timedelta(days=3 * 365) / max(1, count)
    start = now - timedelta(days=3 * 365)
    for n in range(count):
        yield n, (start + span * n).strftime(STAMP), value
