"""What is sent and answered: the outbox, deliveries, step answers, surveys and their answers."""

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
    Text,
    UniqueConstraint,
)
from sqlalchemy.sql.expression import text

from bot.storage.schema.base import metadata
from bot.storage.types import UTCDateTime

scheduled_messages = Table(
    "scheduled_messages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("contact_id", ForeignKey("contacts.id"), nullable=False, index=True),
    Column("patient_id", ForeignKey("patients.id"), nullable=False, index=True),
    Column("episode_id", ForeignKey("episodes.id"), nullable=False),
    Column("step_key", String(64), nullable=False),
    Column("occurrence", Integer, nullable=False),
    Column("kind", String(24), nullable=False),
    Column("template", String(128), nullable=False),
    Column("survey", String(64)),
    Column("payload", JSON, nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    Column("send_at", UTCDateTime, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("tries", Integer, nullable=False, server_default="0"),
    Column("lease_until", UTCDateTime),
    Column("lease_owner", String(36)),
    Column("sent_at", UTCDateTime),
    Column("telegram_message_id", BigInteger),
    Column("answer_timeout_s", Integer, nullable=False, server_default="86400"),
    Column("answer_due_at", UTCDateTime),
    Column("failure_reason", String(64)),
    # the last answer that settled the row (see FINAL_ANSWERS), written with the answer
    Column("final_answer", String(32)),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint(
        "contact_id", "episode_id", "step_key", "occurrence", name="uq_scheduled_messages_step"
    ),
    Index("ix_scheduled_messages_due", "status", "send_at"),
    Index("ix_scheduled_messages_episode", "episode_id", "kind", "status", "tries"),
    Index("ix_scheduled_messages_kind", "kind", "status", "episode_id", "final_answer"),
)

deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Integer, primary_key=True),
    # Every send is recorded: an outbox row's, or a reply or staff notice without one.
    Column("message_id", ForeignKey("scheduled_messages.id"), index=True),
    Column("chat_id", BigInteger),
    Column("at", UTCDateTime, nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("detail", String(200)),
    Column("telegram_message_id", BigInteger),
    Column("purpose", String(16), nullable=False, server_default="outbox"),
    Column("channel", String(16), nullable=False, server_default="telegram"),
    Column("address", String(64)),
)

step_answers = Table(
    "step_answers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("message_id", ForeignKey("scheduled_messages.id"), nullable=False, index=True),
    Column("contact_id", ForeignKey("contacts.id"), nullable=False),
    Column("answer", String(32), nullable=False),
    Column("at", UTCDateTime, nullable=False),
)

OPEN_SURVEY = "status = 'open'"
survey_sessions = Table(
    "survey_sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("message_id", ForeignKey("scheduled_messages.id"), index=True),
    Column("contact_id", ForeignKey("contacts.id"), nullable=False, index=True),
    # the contact's chat, copied so that the database itself keeps one open survey per chat
    Column("chat_id", BigInteger, nullable=False),
    Column("patient_id", ForeignKey("patients.id"), nullable=False),
    Column("episode_id", ForeignKey("episodes.id"), nullable=False, index=True),
    Column("survey", String(64), nullable=False),
    Column("plan_key", String(64)),
    Column("respondent", String(16), nullable=False),
    Column("relation", String(32)),
    Column("status", String(16), nullable=False),
    Column("current_question", String(32)),
    # typed answers to the current question that were not understood (reset on each answer)
    Column("misread_count", Integer, nullable=False, server_default="0"),
    Column("started_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime),
    Index(
        "uq_survey_sessions_open_chat",
        "chat_id",
        unique=True,
        sqlite_where=text(OPEN_SURVEY),
        postgresql_where=text(OPEN_SURVEY),
    ),
)

survey_answers = Table(
    "survey_answers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", ForeignKey("survey_sessions.id"), nullable=False, index=True),
    Column("question", String(32), nullable=False),
    Column("value", String(32), nullable=False),
    Column("text", Text),
    Column("respondent", String(16), nullable=False),
    Column("relation", String(32)),
    Column("at", UTCDateTime, nullable=False),
    UniqueConstraint("session_id", "question", name="uq_survey_answers_question"),
    Index("ix_survey_answers_measure", "question", "value", "session_id"),
)
