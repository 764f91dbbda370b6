"""Cases raised to staff and their events, and the editable templates and plan overrides."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from bot.storage.schema.base import metadata
from bot.storage.types import UTCDateTime

cases = Table(
    "cases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),  # complaint | praise | question | red_flag
    Column("patient_id", ForeignKey("patients.id"), nullable=False, index=True),
    Column("episode_id", ForeignKey("episodes.id"), nullable=False),
    Column("contact_id", ForeignKey("contacts.id")),
    Column("session_id", ForeignKey("survey_sessions.id")),
    Column("source", String(32), nullable=False),
    Column("question", String(32)),
    Column("answer", String(32)),
    Column("text", Text),
    Column("status", String(16), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("due_at", UTCDateTime),
    Column("staff_chat_id", BigInteger),
    Column("staff_message_id", BigInteger),
    Column("acknowledged_by", BigInteger),
    Column("acknowledged_at", UTCDateTime),
    Column("respondent", String(16)),
    Column("relation", String(32)),
    Column("concerned", String(100)),
    Column("photo_file_id", String(200)),
    Column("topic_id", BigInteger),
    Column("assignee_id", BigInteger),
    Column("outcome", String(24)),
    Column("summary", Text),
    Column("handling_satisfaction", String(16)),
    Column("ack_due_at", UTCDateTime),
    Column("answered_at", UTCDateTime),
    Column("closed_at", UTCDateTime),
    Column("ack_reminded_at", UTCDateTime),
    Column("answer_reminded_at", UTCDateTime),
    Column("ack_overdue_at", UTCDateTime),
    Column("answer_overdue_at", UTCDateTime),
    # whoever posts the case to the staff group claims it until then (the sweep skips it)
    Column("post_claimed_until", UTCDateTime),
    Column("red_flag_outcome", String(24)),  # called_patient | advised_to_come_in | ...
)

case_events = Table(
    "case_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", ForeignKey("cases.id"), nullable=False, index=True),
    Column("at", UTCDateTime, nullable=False),
    Column("actor_id", BigInteger),
    Column("kind", String(24), nullable=False),
    Column("detail", Text),
)

# a message to a case's patient being written: asked for, previewed, then sent or cancelled
case_drafts = Table(
    "case_drafts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", ForeignKey("cases.id"), nullable=False, index=True),
    Column("author_id", BigInteger, nullable=False),
    Column("purpose", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("prompt_message_id", BigInteger),
    Column("preview_message_id", BigInteger),
    Column("text", Text),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

template_versions = Table(
    "template_versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(128), nullable=False),
    Column("locale", String(8), nullable=False),
    Column("version", Integer, nullable=False),
    Column("body", Text, nullable=False),
    Column("author_id", BigInteger, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("key", "version", name="uq_template_versions_key_version"),
)

plan_overrides = Table(
    "plan_overrides",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("plan_key", String(64), nullable=False),
    Column("step_key", String(64), nullable=False),
    Column("field", String(32), nullable=False),
    Column("value", String(200), nullable=False),
    Column("author_id", BigInteger, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

# What patients send outside a survey answer (free text, voice, photos, files…), kept whole,
# with the triage it got, the case it went to and the acknowledgement the patient was sent.
patient_messages = Table(
    "patient_messages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("patient_id", ForeignKey("patients.id"), nullable=False, index=True),
    Column("contact_id", ForeignKey("contacts.id")),
    Column("chat_id", BigInteger, nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Column("kind", String(16), nullable=False),  # text | voice | photo | document | …
    Column("text", Text),
    Column("file_id", String(200)),
    Column("triage", String(16)),  # danger | death | other
    Column("case_id", ForeignKey("cases.id")),
    Column("reply", String(16)),  # the acknowledgement sent for it, if one was
    Index("ix_patient_messages_chat", "chat_id", "received_at"),
)
