"""The mobile web pages: each chat's feed of messages, the links to its pages, its last visit."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Index,
    Integer,
    String,
    Table,
    Text,
    false,
)

from bot.storage.schema.base import metadata
from bot.storage.types import UTCDateTime

# What was "sent" to a chat on the page channel, newest last; erasure deletes a chat's rows.
web_feed = Table(
    "web_feed",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("chat_id", BigInteger, nullable=False),
    Column("sent_at", UTCDateTime, nullable=False),
    Column("text", Text, nullable=False),
    Column("choices", JSON, nullable=False),  # [{"id", "label"}] offered with it
    # staff's reply: shown only on the replies page, after the identity check
    Column("private", Boolean, nullable=False, default=False, server_default=false()),
    Index("ix_web_feed_chat_id_id", "chat_id", "id"),
)

# A link is a capability: the hash of its token, for one chat and one purpose.
web_links = Table(
    "web_links",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("chat_id", BigInteger, nullable=False),
    Column("purpose", String(16), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("failed_attempts", Integer, nullable=False, default=0),
    Column("locked_until", UTCDateTime),
    Index("ix_web_links_chat_id_purpose", "chat_id", "purpose"),
)

# When the person behind a chat last opened or used one of its pages.
web_visits = Table(
    "web_visits",
    metadata,
    Column("chat_id", BigInteger, primary_key=True, autoincrement=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
)
