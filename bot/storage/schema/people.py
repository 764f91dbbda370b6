"""The people: departments, patients and their facts, stays, invites, contacts, staff."""

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
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.sql.expression import or_, true

from bot.storage.schema.base import metadata
from bot.storage.types import UTCDateTime

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

# The few patients who died or are in dispute: /stats reads these alone, not every patient.
WITH_FACT = or_(patients.c.deceased_at.is_not(None), patients.c.dispute_since.is_not(None))
Index("ix_patients_with_fact", patients.c.id, sqlite_where=WITH_FACT, postgresql_where=WITH_FACT)

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
    Column("preferred_channel", String(16)),  # 回访方式 (PreferredChannel); NULL = none named
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

# The stays a special group may take in (a 特殊标记 or a plan named on the list): the 100%
# target's count reads these alone, not every stay of the month.
FLAGGED_STAYS = or_(episodes.c.flags.is_not(None), episodes.c.plan.is_not(None))
Index(
    "ix_episodes_flagged",
    episodes.c.discharged_at,
    sqlite_where=FLAGGED_STAYS,
    postgresql_where=FLAGGED_STAYS,
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
    # indexed: the worklist asks of every stay whether a chat contact reaches it
    Column("episode_id", ForeignKey("episodes.id"), nullable=False, index=True),
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
    # When a chat contact of the same stay took over from this SMS contact: never sent to
    # again, never created again (its consent stays the patient's own record).
    Column("superseded_at", UTCDateTime),
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
