"""Structured logs: one line per event, as text or JSON, without patient data.

The bot's own log lines name internal ids only (case 12, outbox row 40, contact 7); a
hospital number, when one is needed, goes through bot.domain.privacy.pseudonym. Exception
messages can quote data (a value that failed to parse), so a logged error shows its type and
where it happened, not its message, unless FOLLOWUP_DEBUG is set.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import traceback
from datetime import UTC, datetime
from typing import Any, TextIO

LOG_FORMATS = ("text", "json")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
# Libraries held at WARNING whatever the level: their INFO/DEBUG lines are noise, or would
# carry the token (request URLs) or patient data (SQL parameters, request bodies).
QUIET_LOGGERS = (
    "httpx",
    "httpcore",
    "telegram.Bot",
    "telegram.ext.ExtBot",
    "aiosqlite",
    "asyncpg",
    "sqlalchemy.engine",
    "tornado.access",
    "matplotlib",
)
STANDARD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None)))


def parse_log_format(value: str) -> str:
    """Check a log format name; raise ValueError naming the valid ones."""
    if value not in LOG_FORMATS:
        raise ValueError(f"expected one of {', '.join(LOG_FORMATS)}")
    return value


def parse_log_level(value: str) -> str:
    """Check a log level name; raise ValueError naming the valid ones."""
    if value.upper() not in LOG_LEVELS:
        raise ValueError(f"expected one of {', '.join(LOG_LEVELS)}")
    return value.upper()


def configure_logging(log_format: str, level: str, stream: TextIO | None = None) -> None:
    """Send every log line to stream (stderr by default) in the chosen format."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(parse_log_level(level))
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    # "skipped: maximum number of running instances reached" on every tick of a long
    # dispatcher run is the design (one run at a time), not a warning
    logging.getLogger("apscheduler").setLevel(logging.ERROR)


def event_fields(record: logging.LogRecord) -> dict[str, Any]:
    """Return a record as fields: time, level, logger, message, extras, a safe error."""
    fields: dict[str, Any] = {
        "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
        "level": record.levelname,
        "logger": record.name,
        "message": record.getMessage(),
    }
    fields.update(
        (key, value) for key, value in vars(record).items() if key not in STANDARD_ATTRIBUTES
    )
    if record.exc_info and record.exc_info[1] is not None:
        fields["error"] = safe_error(record.exc_info[1])
    return fields


def safe_error(error: BaseException) -> str:
    """Describe an exception by its type and frames (its message only with FOLLOWUP_DEBUG)."""
    if os.environ.get("FOLLOWUP_DEBUG"):
        return "".join(traceback.format_exception(error)).rstrip()
    frames = traceback.extract_tb(error.__traceback__)
    where = " < ".join(
        f"{frame.name}@{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}"
        for frame in reversed(frames[-6:])
    )
    return f"{type(error).__name__} at {where}" if where else type(error).__name__


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(event_fields(record), ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """One line: time, level, logger, message, then key=value extras and the error."""

    def format(self, record: logging.LogRecord) -> str:
        fields = event_fields(record)
        head = [fields.pop(key) for key in ("time", "level", "logger", "message")]
        tail = [f"{key}={value}" for key, value in fields.items()]
        return " ".join(str(part) for part in head + tail)
