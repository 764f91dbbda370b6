"""WeChat's conversation window per chat, and the messages held until the person writes."""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Column, Index, Integer, String, Table, Text

from bot.storage.schema.base import metadata
from bot.storage.types import UTCDateTime

# One row per chat that ever wrote or was written to on a windowed channel (WeChat): the
# person's last message, the conversation messages sent since it, the unanswered notice,
# their last follow, scan or menu click and the messages sent since that.
channel_windows = Table(
    "channel_windows",
    metadata,
    Column("chat_id", BigInteger, primary_key=True, autoincrement=False),
    Column("last_inbound_at", UTCDateTime),
    Column("sent_since_inbound", Integer, nullable=False, default=0),
    Column("notice_sent_at", UTCDateTime),
    Column("last_event_at", UTCDateTime),  # the last follow, QR scan or menu click
    Column("sent_since_event", Integer, nullable=False, default=0),
)

# Messages that could not go as conversation messages, oldest first; removed when sent.
# They hold the patient's messages' text: erasure deletes a chat's rows.
held_messages = Table(
    "held_messages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("chat_id", BigInteger, nullable=False),
    Column("held_at", UTCDateTime, nullable=False),
    Column("text", Text, nullable=False),
    Column("choices", JSON, nullable=False),
    Column("notice_kind", String(16), nullable=False),
    Index("ix_held_messages_chat_id_held_at", "chat_id", "held_at"),
)
