"""sms messages: the texts sent through the SMS provider, counted per number and day

Revision ID: 0029
Revises: 0027
Create Date: 2026-12-07

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0029"
down_revision: str | Sequence[str] | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PHONE_INDEX = "ix_sms_messages_phone_key_sent_at"
PROVIDER_INDEX = "ix_sms_messages_provider_id"


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "sms_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("provider_id", sa.String(length=128), nullable=False),
        sa.Column("phone_key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("parts", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("receipt_code", sa.String(length=64), nullable=True),
        sa.Column("receipt_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_messages")),
    )
    op.create_index(PHONE_INDEX, "sms_messages", ["phone_key", "sent_at"], unique=False)
    op.create_index(PROVIDER_INDEX, "sms_messages", ["provider", "provider_id"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(PROVIDER_INDEX, table_name="sms_messages")
    op.drop_index(PHONE_INDEX, table_name="sms_messages")
    op.drop_table("sms_messages")
