"""channel windows: WeChat's conversation window per chat, and the messages held outside it

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0027"
down_revision: str | Sequence[str] | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HELD_INDEX = "ix_held_messages_chat_id_held_at"


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "channel_windows",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("last_inbound_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_since_inbound", sa.Integer(), nullable=False),
        sa.Column("notice_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_event_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_since_event", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("chat_id", name=op.f("pk_channel_windows")),
    )
    op.create_table(
        "held_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("held_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("notice_kind", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_held_messages")),
    )
    op.create_index(HELD_INDEX, "held_messages", ["chat_id", "held_at"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(HELD_INDEX, table_name="held_messages")
    op.drop_table("held_messages")
    op.drop_table("channel_windows")
