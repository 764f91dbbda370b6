"""The clean-stop marker: `followup run` checks the SQLite file only when it may be damaged.

A clean stop writes, beside the database, the size and times of its files; the next start
takes the marker away (so a run killed later leaves none) and skips the integrity check only
when the files are exactly as that stop left them. A first start, a kill -9, a crash, a
restore or any write in between (another command, a copy) runs the check. Only the holder of
the run lock reads or writes the marker, so several workers cannot race on it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

JOURNAL_SUFFIXES = ("", "-wal")


def marker_path(database: Path) -> Path:
    """Return the clean-stop marker's path beside the database."""
    return database.with_name(database.name + ".clean-stop")


def fingerprint(database: Path) -> list[list[int] | None]:
    """Describe the database's files (size, modification and change times; None if absent)."""
    found: list[list[int] | None] = []
    for suffix in JOURNAL_SUFFIXES:
        path = database.with_name(database.name + suffix)
        try:
            stat = path.stat()
        except FileNotFoundError:
            found.append(None)
            continue
        found.append([stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns])
    return found


def record_clean_stop(database: Path) -> None:
    """Write the marker after the last connection is closed: the files are as they stay."""
    if not database.exists():
        return
    marker = marker_path(database)
    temporary = marker.with_name(marker.name + ".tmp")
    temporary.write_text(json.dumps(fingerprint(database)), encoding="utf-8")
    os.replace(temporary, marker)


def stopped_cleanly(database: Path) -> bool:
    """Take the marker away; say whether the files are as the last clean stop left them."""
    marker = marker_path(database)
    try:
        recorded = json.loads(marker.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return False
    finally:
        marker.unlink(missing_ok=True)
    return bool(recorded == fingerprint(database))
