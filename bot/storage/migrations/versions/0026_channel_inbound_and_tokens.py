"""channel inbound and tokens: WeChat callbacks taken once, one access token per account

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07

channel_inbound keeps the keys of inbound callbacks already taken, so that a platform's retry
is answered but not handed on twice, and each callback until it is handled (a worker stopped
while handling it hands it on at its next start); channel_tokens keeps one access token per account, shared
by every worker. Both start empty.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0026"
down_revision: str | Sequence[str] | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "channel_inbound",
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("dedup_key", sa.String(length=200), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event", sa.JSON(), nullable=True),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("channel", "dedup_key", name=op.f("pk_channel_inbound")),
    )
    op.create_index(
        op.f("ix_channel_inbound_received_at"), "channel_inbound", ["received_at"], unique=False
    )
    op.create_table(
        "channel_tokens",
        sa.Column("account", sa.String(length=128), nullable=False),
        sa.Column("token", sa.String(length=1024), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("account", name=op.f("pk_channel_tokens")),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("channel_tokens")
    op.drop_index(op.f("ix_channel_inbound_received_at"), table_name="channel_inbound")
    op.drop_table("channel_inbound")
