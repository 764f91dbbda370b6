"""Running records: tallies, audit, leases, seen updates, stops, channel chats and tokens."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from bot.storage.schema.base import metadata
from bot.storage.types import UTCDateTime

# Counts kept as answers and check-ins are written, by the hour of discharge (UTC) and
# department, so statistics read small tables instead of joining every answer.
answer_tallies = Table(
    "answer_tallies",
    metadata,
    Column("hour", UTCDateTime, primary_key=True),
    Column("department_id", Integer, primary_key=True),
    Column("question", String(32), primary_key=True),
    Column("value", String(32), primary_key=True),
    Column("count", Integer, nullable=False),
    Index("ix_answer_tallies_read", "question", "hour", "department_id", "value", "count"),
)

step_tallies = Table(
    "step_tallies",
    metadata,
    Column("hour", UTCDateTime, primary_key=True),
    Column("department_id", Integer, primary_key=True),
    Column("plan_key", String(64), primary_key=True),  # "" when the contact had no plan
    Column("step_key", String(64), primary_key=True),
    Column("sent", Integer, nullable=False),
    Column("answered", Integer, nullable=False),
)

# Each stay's first check-in sent (followed up) and first answered (reached) on each channel
# it was followed up on: the statistics per channel read these, not the outbox.
episode_channels = Table(
    "episode_channels",
    metadata,
    Column("episode_id", ForeignKey("episodes.id"), primary_key=True),
    Column("channel", String(16), primary_key=True),
    Column("followed_up_at", UTCDateTime),
    Column("reached_at", UTCDateTime),
)

# Stays followed up / reached on each channel, counted when their episode_channels mark is set.
channel_tallies = Table(
    "channel_tallies",
    metadata,
    Column("hour", UTCDateTime, primary_key=True),
    Column("department_id", Integer, primary_key=True),
    Column("channel", String(16), primary_key=True),
    Column("followed_up", Integer, nullable=False),
    Column("reached", Integer, nullable=False),
)

failure_tallies = Table(
    "failure_tallies",
    metadata,
    Column("hour", UTCDateTime, primary_key=True),
    Column("department_id", Integer, primary_key=True),
    Column("reason", String(64), primary_key=True),
    Column("count", Integer, nullable=False),
)

# Who read patient data or changed something, and when. It holds no personal data itself:
# subjects are internal ids (patient:12, case:3), actors are staff ids, a CLI user or the bot.
audit_events = Table(
    "audit_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False, index=True),
    Column("actor_kind", String(16), nullable=False),
    Column("actor_id", String(64), nullable=False),
    Column("action", String(48), nullable=False),
    Column("subject", String(128)),
    Column("detail", String(500)),
    Index("ix_audit_events_actor", "actor_id", "at"),
)

# One row per periodic duty shared by several processes (e.g. the sweeps of a tick): the
# process holding an unexpired lease does it, the others skip it.
job_leases = Table(
    "job_leases",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("owner", String(64), nullable=False),
    Column("until", UTCDateTime, nullable=False),
)

# Update ids already handled, so that Telegram's redelivery of a webhook update (after a
# timeout) is not handled twice by another worker. Old ids are pruned by the sweeps.
seen_updates = Table(
    "seen_updates",
    metadata,
    Column("update_id", BigInteger, primary_key=True, autoincrement=False),
    Column("at", UTCDateTime, nullable=False, index=True),
)

# A discharge medicine whose reminders were stopped (by staff, or the patient said they
# stopped taking it); `medicine` is its position in the 出院带药 list, from 0.
medicine_stops = Table(
    "medicine_stops",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("episode_id", ForeignKey("episodes.id"), nullable=False),
    Column("medicine", Integer, nullable=False),
    Column("source", String(16), nullable=False),
    Column("actor_id", String(64), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    UniqueConstraint("episode_id", "medicine", name="uq_medicine_stops_medicine"),
)

# Conversations on channels whose addresses are not Telegram chat ids (plain text, later SMS):
# each gets a chat key of its own, far below any Telegram chat id, so that everything keyed
# by chat (surveys, dialogs, pacing) works the same; and the choices last offered there, so
# that a reply "2" can be read back.
channel_chats = Table(
    "channel_chats",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("channel", String(16), nullable=False),
    Column("address", String(128), nullable=False),
    Column("offered", JSON),
    Column("offered_at", UTCDateTime),
    UniqueConstraint("channel", "address", name="uq_channel_chats_address"),
)

# Inbound callbacks already taken (a platform's retry of one is answered, not handed on):
# WeChat's MsgId, or sender and time for events. Old keys are pruned.
channel_inbound = Table(
    "channel_inbound",
    metadata,
    Column("channel", String(16), primary_key=True),
    Column("dedup_key", String(200), primary_key=True),
    Column("received_at", UTCDateTime, nullable=False, index=True),
    # the callback until it is handled (it may hold a patient's words: emptied once handled)
    Column("event", JSON),
    Column("handled_at", UTCDateTime),
)

# One access token per platform account, shared by every worker (WeChat limits the fetches
# a day, and a new token invalidates the one before after a few minutes).
channel_tokens = Table(
    "channel_tokens",
    metadata,
    Column("account", String(128), primary_key=True),
    Column("token", String(1024), nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
)
