"""The text messages sent through the SMS provider: never their words, nor the number."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, String, Table

from bot.storage.schema.base import metadata
from bot.storage.types import UTCDateTime

# One row per text the provider accepted: its id there, the number's keyed hash (to count a
# number's texts of the day), the notice kind, when it went, and its receipt once it came.
sms_messages = Table(
    "sms_messages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("provider", String(16), nullable=False),
    Column("provider_id", String(128), nullable=False),
    Column("phone_key", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("parts", Integer, nullable=False),
    Column("sent_at", UTCDateTime, nullable=False),
    Column("status", String(16), nullable=False),
    Column("receipt_code", String(64)),
    Column("receipt_at", UTCDateTime),
    Index("ix_sms_messages_phone_key_sent_at", "phone_key", "sent_at"),
    Index("ix_sms_messages_provider_id", "provider", "provider_id"),
)

# The notice SMS a chat is owed: held for the contact hours, a holiday, the provider's or
# the daily limit, sent by the sweep once due. One a chat (one unread notice at a time).
sms_owed = Table(
    "sms_owed",
    metadata,
    Column("chat_id", BigInteger, primary_key=True, autoincrement=False),
    Column("kind", String(16), nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    Index("ix_sms_owed_due_at", "due_at"),
)
