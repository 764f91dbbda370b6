"""The phone worklist: calls owed, each try at them, and the weekly quality sample."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, String, Table, Text

from bot.storage.schema.base import metadata
from bot.storage.types import UTCDateTime

# One row per call owed. `key` makes the worklist's rules idempotent ("step:<episode>:<step>",
# "case:<id>"...): a sweep that runs twice owes one call. A claim locks the task to one
# nurse until claimed_until, so two nurses never call the same patient at once.
call_tasks = Table(
    "call_tasks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(96), nullable=False, unique=True),
    Column("episode_id", ForeignKey("episodes.id"), nullable=False, index=True),
    Column("department_id", ForeignKey("departments.id"), nullable=False),
    Column("reason", String(24), nullable=False),  # CallReason
    Column("step", String(64)),  # the plan step the call is for, if any
    Column("case_id", ForeignKey("cases.id")),  # the case a call back is for, if any
    Column("priority", Integer, nullable=False),  # higher first
    Column("due_at", UTCDateTime, nullable=False),
    Column("assignee", BigInteger),  # a staff member's user id, if assigned
    Column("claimed_by", BigInteger),
    Column("claimed_until", UTCDateTime),
    Column("tries", Integer, nullable=False, default=0),
    Column("status", String(16), nullable=False),  # CallStatus
    Column("outcome", String(24)),  # the last attempt's CallOutcome
    Column("created_at", UTCDateTime, nullable=False),
    Column("closed_at", UTCDateTime),
    Index("ix_call_tasks_open", "status", "department_id", "due_at"),
)

# One row per try: who called, when, what it found, and the note typed. The phone contact
# whose answers the nurse entered is set when the call reached the patient.
call_attempts = Table(
    "call_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("task_id", ForeignKey("call_tasks.id"), nullable=False, index=True),
    Column("staff_user", BigInteger, nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime),
    Column("outcome", String(24)),  # CallOutcome; NULL while the call is in progress
    Column("call_back_at", UTCDateTime),  # "call later": when the patient asked
    Column("contact_id", ForeignKey("contacts.id")),
    Column("note", Text),
    Index("ix_call_attempts_staff_started", "staff_user", "started_at"),
    Index("ix_call_attempts_started", "started_at"),  # the calls of a period, by anyone
)

# The weekly quality sample: calls drawn at random for a supervisor, and the verdict given.
call_reviews = Table(
    "call_reviews",
    metadata,
    Column("attempt_id", ForeignKey("call_attempts.id"), primary_key=True, autoincrement=False),
    Column("sampled_by", BigInteger, nullable=False),
    Column("sampled_at", UTCDateTime, nullable=False),
    Column("verdict", String(16)),  # ReviewVerdict; NULL until judged
    Column("note", Text),
    Column("reviewed_at", UTCDateTime),
)
