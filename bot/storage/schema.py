"""The tables. Alembic migrations under migrations/ create and change them."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.sql.expression import text, true

from bot.storage.types import UTCDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

departments = Table(
    "departments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
)

patients = Table(
    "patients",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("hospital_no", String(64), nullable=False, unique=True),
    Column("name", String(100), nullable=False),
    Column("sex", String(1)),
    Column("age", Integer),
    Column("birth_date", Date),
    Column("phone", String(20)),
    Column("deceased_at", UTCDateTime),  # when follow-up stopped for a death (patient_facts)
    Column("erased_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("dispute_since", UTCDateTime),  # set while a medical dispute is open
)

# Death and dispute are facts about the patient, not one stay: each recording (from an
# import row, staff in chat, the CLI) with the date given, its source and who recorded it.
patient_facts = Table(
    "patient_facts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("patient_id", ForeignKey("patients.id"), nullable=False, index=True),
    Column("fact", String(16), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("on_date", Date),
    Column("source", String(300), nullable=False),
    Column("actor_kind", String(16), nullable=False),
    Column("actor_id", String(64), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
)

episodes = Table(
    "episodes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("patient_id", ForeignKey("patients.id"), nullable=False),
    Column("department_id", ForeignKey("departments.id"), nullable=False),
    Column("discharged_at", UTCDateTime, nullable=False),
    Column("admitted_at", UTCDateTime),
    Column("ward", String(100)),
    Column("attending_doctor", String(100)),
    Column("nurse", String(100)),
    Column("diagnosis", Text),
    Column("discharge_condition", Text),
    Column("consent", Boolean, nullable=False),
    Column("plan", String(100)),
    Column("revisit_at", Date),
    Column("treated_on", Date),
    Column("medications", Text),
    Column("flags", Text),
    Column("notes", Text),
    Column("exclusion", String(32)),
    Column("language", String(8)),  # from the list; NULL = the hospital's language
    Column("source_file", String(255)),
    Column("source_line", Integer),
    Column("enrolled_at", UTCDateTime),
    Column("followed_up_at", UTCDateTime),
    Column("reached_at", UTCDateTime),
    Column("imported_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("patient_id", "discharged_at", name="uq_episodes_patient_discharge"),
    Index("ix_episodes_discharged_at", "discharged_at"),
    Index(
        "ix_episodes_statistics",
        "discharged_at",
        "department_id",
        "consent",
        "exclusion",
        "enrolled_at",
        "followed_up_at",
        "reached_at",
    ),
)

invites = Table(
    "invites",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("episode_id", ForeignKey("episodes.id"), nullable=False, index=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime),
    Column("failed_attempts", Integer, nullable=False, default=0),
    Column("locked_at", UTCDateTime),
)

contacts = Table(
    "contacts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("patient_id", ForeignKey("patients.id"), nullable=False, index=True),
    Column("episode_id", ForeignKey("episodes.id"), nullable=False),
    Column("chat_id", BigInteger, nullable=False, index=True),
    # The channel the contact is reached on and its address there (the chat, as text, on
    # Telegram; a phone number on SMS). chat_id stays the Telegram chat for the joins.
    Column("channel", String(16), nullable=False, server_default="telegram"),
    Column("address", String(64)),
    Column("user_id", BigInteger, nullable=False),
    Column("respondent", String(16), nullable=False),
    Column("relation", String(32)),
    Column("consent", String(16), nullable=False),
    Column("consent_at", UTCDateTime, nullable=False),
    Column("locale", String(8), nullable=False),
    Column("reachable", Boolean, nullable=False, server_default=true()),
    Column("unreachable_reason", String(64)),
    Column("plan_key", String(64)),
    Column("plan_fingerprint", String(64)),
    # Long-term medicines are planned a rolling horizon ahead; the sweeps extend it.
    Column("medication_planned_until", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("patient_id", "chat_id", name="uq_contacts_patient_chat"),
)

consent_events = Table(
    "consent_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("contact_id", ForeignKey("contacts.id"), nullable=False, index=True),
    Column("decision", String(16), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("via", String(32), nullable=False),
)

dialog_states = Table(
    "dialog_states",
    metadata,
    Column("chat_id", BigInteger, primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("step", String(32), nullable=False),
    Column("data", JSON, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

staff_members = Table(
    "staff_members",
    metadata,
    Column("user_id", BigInteger, primary_key=True),
    Column("role", String(16), nullable=False),
    Column("department_id", ForeignKey("departments.id")),
    Column("name", String(100)),
    Column("created_at", UTCDateTime, nullable=False),
)

settings_cache = Table(
    "settings_cache",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

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
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint(
        "contact_id", "episode_id", "step_key", "occurrence", name="uq_scheduled_messages_step"
    ),
    Index("ix_scheduled_messages_due", "status", "send_at"),
    Index("ix_scheduled_messages_episode", "episode_id", "kind", "status", "tries"),
    Index("ix_scheduled_messages_kind", "kind", "status", "episode_id"),
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
    Column("step_key", String(64), primary_key=True),
    Column("sent", Integer, nullable=False),
    Column("answered", Integer, nullable=False),
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
