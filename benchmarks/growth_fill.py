"""Rows of a hospital's years for benchmarks.growth, written fast: sqlite3 executemany or
PostgreSQL COPY.

Each stay (discharge) has a patient and a contact, three check-ins (day 3, 7 and 30) and a
medicine reminder in the outbox with a delivery each once sent; two check-ins in three are
answered (a survey of ten questions on day 3, three on the others, each answer followed by
the next question: a reply delivery), the reminder answered taken or skipped; one stay in
fifty complains; one audit event per stay. About 26 rows of deliveries, answers and audit
per stay. The last `due` stays also have a row due now, for the claim.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import islice
from typing import Any

DEPARTMENTS = ["心内科", "普外科", "妇科", "呼吸科", "骨科", "神经内科", "内分泌科", "职业病科"]
FIRST: tuple[str, ...] = ("sat_doctors", "sat_nurses", "sat_hospital", "recommend", "condition")
FIRST += ("medicines", "diet", "sleep", "exercise", "reexam")
LATER = ("condition", "medicines", "reexam")
CHECKINS = (("day3", 3, FIRST), ("day7", 7, LATER), ("day30", 30, LATER))
ROWS_PER_STAY = 26  # deliveries, answers and audit per stay, about
FORMAT = "%Y-%m-%d %H:%M:%S.%f"  # SQLAlchemy's on SQLite: compared as text


@dataclass(frozen=True)
class Table:
    """One table's name, columns and rows (aware UTC datetimes; JSON as text)."""

    name: str
    columns: tuple[str, ...]
    rows: Callable[[], Iterator[tuple[Any, ...]]]


@dataclass(frozen=True)
class Hospital:
    """`stays` discharges spread evenly up to `now`, `per_year` a year; `due` rows due now."""

    stays: int
    per_year: int
    now: datetime
    due: int

    def discharged(self, stay: int) -> datetime:
        """The discharge of stay n (1-based), oldest first, the last a day before now."""
        span = timedelta(days=365 * self.stays / self.per_year)
        return self.now - timedelta(days=1) - span + span * (stay / self.stays)

    def tables(self) -> list[Table]:
        """Every table to fill, in an order that keeps the foreign keys."""
        return [*_people(self), *_outbox(self), *_answers(self), _audit(self)]


EPISODE_COLUMNS: tuple[str, ...] = ("id", "patient_id", "department_id", "discharged_at", "consent")
EPISODE_COLUMNS += ("imported_at", "updated_at", "enrolled_at")
CONTACT_COLUMNS: tuple[str, ...] = (
    "id",
    "patient_id",
    "episode_id",
    "chat_id",
    "user_id",
    "respondent",
)
CONTACT_COLUMNS += ("consent", "consent_at", "locale", "reachable", "plan_key", "created_at")


def _people(h: Hospital) -> list[Table]:
    stays = range(1, h.stays + 1)
    return [
        Table("departments", ("id", "name"), lambda: iter(enumerate(DEPARTMENTS, 1))),
        Table(
            "patients",
            ("id", "hospital_no", "name", "created_at", "updated_at"),
            lambda: ((i, f"G{i:08d}", f"患者{i}", h.now, h.now) for i in stays),
        ),
        Table(
            "episodes",
            EPISODE_COLUMNS,
            lambda: ((i, i, i % 8 + 1, d, True, d, d, d) for i in stays for d in [h.discharged(i)]),
        ),
        Table(
            "contacts",
            CONTACT_COLUMNS,
            lambda: (
                (i, i, i, i, i, "patient", "granted", d, "zh_CN", True, "general", d)
                for i in stays
                for d in [h.discharged(i)]
            ),
        ),
    ]


OUTBOX: tuple[str, ...] = (
    "id",
    "contact_id",
    "patient_id",
    "episode_id",
    "step_key",
    "occurrence",
    "kind",
)
OUTBOX += ("template", "payload", "due_at", "send_at", "status", "attempts", "tries")
OUTBOX += ("sent_at", "final_answer", "created_at", "updated_at")


def _row_id(stay: int, step: int) -> int:
    return 5 * stay + step  # steps 0-2 the check-ins, 3 the reminder, 4 the row due now


def _answered(stay: int, step: int) -> bool:
    return (stay + step) % 3 != 0


def _outbox_rows(h: Hospital) -> Iterator[tuple[Any, ...]]:
    for i in range(1, h.stays + 1):
        d = h.discharged(i)
        for step, (key, days, _) in enumerate(CHECKINS):
            at = d + timedelta(days=days)
            status = ("answered" if _answered(i, step) else "failed") if at < h.now else "pending"
            yield (_row_id(i, step), i, i, i, key, 0, "checkin", "t", "{}", at, at, status)
        at = d + timedelta(days=1)
        yield (_row_id(i, 3), i, i, i, "med0", 0, "medication", "t", "{}", at, at, "answered")
        if i > h.stays - h.due:
            at = h.now - timedelta(minutes=1)
            yield (_row_id(i, 4), i, i, i, "due", 0, "education", "t", "{}", at, at, "pending")


def _outbox_table(h: Hospital) -> Table:
    def rows() -> Iterator[tuple[Any, ...]]:
        for row in _outbox_rows(h):
            pending = row[11] == "pending"
            final = None
            if row[6] == "medication":
                final = "taken" if row[1] % 10 else "skipped"
            tries = 0 if pending else 1
            sent = None if pending else row[10]
            yield (*row, tries, tries, sent, final, row[9], row[10])

    return Table("scheduled_messages", OUTBOX, rows)


def _outbox(h: Hospital) -> list[Table]:
    def sent() -> Iterator[tuple[Any, ...]]:
        for row in _outbox_table(h).rows():
            if row[11] != "pending":
                yield (row[0], row[1], row[10], "sent", None, "outbox", "telegram", str(row[1]))

    def reminders() -> Iterator[tuple[Any, ...]]:
        for i in range(1, h.stays + 1):
            at = h.discharged(i) + timedelta(days=1, minutes=20)
            yield (_row_id(i, 3), i, "taken" if i % 10 else "skipped", at)

    return [
        _outbox_table(h),
        Table(
            "deliveries",
            ("message_id", "chat_id", "at", "outcome", "detail", "purpose", "channel", "address"),
            sent,
        ),
        Table("step_answers", ("message_id", "contact_id", "answer", "at"), reminders),
    ]


def _sessions(h: Hospital) -> Iterator[tuple[int, int, int, datetime, tuple[str, ...]]]:
    """(session id, stay, row id, started, questions) of every answered check-in."""
    for i in range(1, h.stays + 1):
        for step, (_, days, questions) in enumerate(CHECKINS):
            at = h.discharged(i) + timedelta(days=days, minutes=5)
            if at < h.now and _answered(i, step):
                yield _row_id(i, step), i, _row_id(i, step), at, questions


def _answers(h: Hospital) -> list[Table]:
    rng = random.Random(5)
    values = ("satisfied",) * 8 + ("basically", "unsatisfied")

    def sessions() -> Iterator[tuple[Any, ...]]:
        for sid, i, row, at, _ in _sessions(h):
            yield (sid, row, i, i, i, i, "checkin_first", "patient", "completed", at, at, at, at)

    def answers() -> Iterator[tuple[Any, ...]]:
        for sid, _, _, at, questions in _sessions(h):
            for n, question in enumerate(questions):
                value = rng.choice(values) if question.startswith("sat") else "good"
                yield (sid, question, value, "patient", at + timedelta(seconds=10 * n))

    def replies() -> Iterator[tuple[Any, ...]]:
        for _, i, _, at, questions in _sessions(h):
            for n in range(len(questions)):
                moment = at + timedelta(seconds=10 * n + 1)
                yield (None, i, moment, "sent", None, "reply", "telegram", str(i))

    session_columns: tuple[str, ...] = (
        "id",
        "message_id",
        "contact_id",
        "chat_id",
        "patient_id",
        "episode_id",
    )
    session_columns += ("survey", "respondent", "status", "started_at", "updated_at")
    session_columns += ("expires_at", "finished_at")
    return [
        Table("survey_sessions", session_columns, sessions),
        Table("survey_answers", ("session_id", "question", "value", "respondent", "at"), answers),
        Table(
            "deliveries",
            ("message_id", "chat_id", "at", "outcome", "detail", "purpose", "channel", "address"),
            replies,
        ),
        _complaints(h),
    ]


def _complaints(h: Hospital) -> Table:
    def rows() -> Iterator[tuple[Any, ...]]:
        for i in range(1, h.stays + 1, 50):
            at = h.discharged(i) + timedelta(days=3, minutes=9)
            answered = at + timedelta(days=2 if i % 100 else 10)
            yield (i, i, i, "patient", "closed", at, at + timedelta(days=7), answered, "complaint")

    columns = ("patient_id", "episode_id", "contact_id", "source", "status", "created_at")
    return Table("cases", (*columns, "due_at", "answered_at", "kind"), rows)


def _audit(h: Hospital) -> Table:
    def rows() -> Iterator[tuple[Any, ...]]:
        for i in range(1, h.stays + 1):
            at = h.discharged(i) + timedelta(hours=2)
            yield (at, "staff", str(9000 + i % 8), "patient.read", f"patient:{i}")

    return Table("audit_events", ("at", "actor_kind", "actor_id", "action", "subject"), rows)


def fill_sqlite(path: str, hospital: Hospital) -> dict[str, int]:
    """Write every table into the SQLite file; return the rows written per table."""
    sqlite3.register_adapter(datetime, lambda d: d.astimezone(UTC).strftime(FORMAT))
    counts: dict[str, int] = {}
    db = sqlite3.connect(path)
    for table in hospital.tables():
        marks = ", ".join("?" * len(table.columns))
        statement = f"INSERT INTO {table.name} ({', '.join(table.columns)}) VALUES ({marks})"
        cursor = db.executemany(statement, table.rows())
        counts[table.name] = counts.get(table.name, 0) + cursor.rowcount
    db.commit()
    db.execute("ANALYZE")  # as `followup run` leaves it after its optimize
    db.close()
    return counts


async def fill_postgres(dsn: str, hospital: Hospital) -> dict[str, int]:
    """COPY every table into the PostgreSQL database; return the rows written per table."""
    import asyncpg

    counts: dict[str, int] = {}
    connection = await asyncpg.connect(dsn)
    try:
        for table in hospital.tables():
            rows = table.rows()
            while records := list(islice(rows, 100_000)):
                await connection.copy_records_to_table(
                    table.name, records=records, columns=list(table.columns)
                )
                counts[table.name] = counts.get(table.name, 0) + len(records)
        for name in {t.name for t in hospital.tables()} - {"departments"}:
            await connection.execute(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"(SELECT max(id) FROM {name}))"
            )
        await connection.execute("ANALYZE")
    finally:
        await connection.close()
    return counts
