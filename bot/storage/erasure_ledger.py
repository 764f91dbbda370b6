"""The erasure ledger: a small file outside the database that a restore cannot take back.

Each line is one JSON object: an audit event that must outlive a restore (an erasure, or a
restore itself), and for an erasure the pseudonym of the erased hospital number, which is what
the database keeps in its place too. No name, phone or hospital number is ever written here.
The file only grows; every write replaces it whole (a copy written, flushed, then renamed), so
a crash leaves the old file or the new one, never half a line.
"""

from __future__ import annotations

import fcntl
import json
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.storage.audit import AuditEntry
from bot.storage.database import sqlite_path

LEDGER_SUFFIX = ".erasures.jsonl"
POSTGRES_LEDGER = Path("data") / "erasures.jsonl"  # where the default SQLite file lives


class LedgerEntryKind(StrEnum):
    """What a ledger line remembers."""

    ERASURE = "erasure"
    RESTORE = "restore"


class LedgerProblem(StrEnum):
    """Why the ledger cannot be used (its message template is cli/ledger_<value>)."""

    MISSING = "missing"
    DAMAGED = "damaged"


class LedgerError(Exception):
    """The ledger is missing or damaged; the file (and line) travel with it."""

    def __init__(self, problem: LedgerProblem, path: Path, line: int = 0) -> None:
        super().__init__(f"{path}: erasure ledger {problem.value} (line {line})")
        self.problem, self.path, self.line = problem, path, line


@dataclass(frozen=True)
class LedgerEntry:
    """One audit event to keep; an erasure also names the pseudonym to erase again."""

    kind: LedgerEntryKind
    at: datetime
    actor_kind: str
    actor_id: str
    action: str
    subject: str | None
    detail: str | None
    pseudonym: str | None = None

    @classmethod
    def of(
        cls,
        kind: LedgerEntryKind,
        audit: AuditEntry,
        pseudonym: str | None = None,
    ) -> LedgerEntry:
        fields = {**asdict(audit), "at": audit.at.astimezone(UTC)}
        return cls(kind=kind, pseudonym=pseudonym, **fields)

    @property
    def audit(self) -> AuditEntry:
        return AuditEntry(
            self.at, self.actor_kind, self.actor_id, self.action, self.subject, self.detail
        )

    def to_line(self) -> str:
        values = {**asdict(self), "kind": self.kind.value, "at": self.at.isoformat()}
        return json.dumps(values, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_line(cls, line: str) -> LedgerEntry:
        values = json.loads(line)
        if not isinstance(values, dict):
            raise ValueError("not an object")
        at = datetime.fromisoformat(values.pop("at"))
        if at.tzinfo is None:
            raise ValueError("a time without its zone")
        kind = LedgerEntryKind(values.pop("kind"))
        entry = cls(kind=kind, at=at.astimezone(UTC), **values)
        if entry.kind is LedgerEntryKind.ERASURE and not entry.pseudonym:
            raise ValueError("an erasure without its pseudonym")
        return entry


def ledger_path(database_url: str, configured: Path | None) -> Path:
    """The configured file, else beside the SQLite file, else data/erasures.jsonl."""
    if configured is not None:
        return configured
    database = sqlite_path(database_url)
    if database is not None:
        return database.with_name(database.name + LEDGER_SUFFIX)
    assert make_url(database_url).drivername.startswith("postgresql")
    return POSTGRES_LEDGER


def read_ledger(path: Path) -> list[LedgerEntry]:
    """Every entry, oldest first; LedgerError names the file and line when it cannot be read."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise LedgerError(LedgerProblem.MISSING, path) from None
    except (OSError, UnicodeDecodeError):
        raise LedgerError(LedgerProblem.DAMAGED, path) from None
    entries = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            entries.append(LedgerEntry.from_line(line))
        except (ValueError, TypeError, KeyError, AttributeError):
            raise LedgerError(LedgerProblem.DAMAGED, path, number) from None
    return entries


def append_entries(path: Path, entries: list[LedgerEntry]) -> None:
    """Add entries at the end (creating the file, readable by its owner only), atomically.

    Two processes appending at once take turns (a lock file beside the ledger), so that
    neither replaces the file with a copy lacking the other's line.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.with_name(path.name + ".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _replace_with(path, _with_lines(path, entries))


def _with_lines(path: Path, entries: list[LedgerEntry]) -> bytes:
    old = path.read_bytes() if path.exists() else b""
    if old and not old.endswith(b"\n"):
        old += b"\n"
    return old + "".join(entry.to_line() + "\n" for entry in entries).encode()


def _replace_with(path: Path, content: bytes) -> None:
    temporary = path.with_name(path.name + ".new")
    with temporary.open("wb") as handle:
        os.fchmod(handle.fileno(), 0o600)
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
