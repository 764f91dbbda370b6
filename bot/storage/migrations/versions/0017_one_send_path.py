"""one send path: deliveries record every send, contacts carry their channel and address

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CONTACT_ADDRESS = "UPDATE contacts SET address = CAST(chat_id AS VARCHAR(64))"
_DELIVERY_ADDRESS = "UPDATE deliveries SET address = CAST(chat_id AS VARCHAR(64))"
# Sends without an outbox row (replies, staff notices) cannot go back to a schema without them.
_DROP_UNTIED = "DELETE FROM deliveries WHERE message_id IS NULL OR chat_id IS NULL"


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("channel", sa.String(16), nullable=False, server_default="telegram")
        )
        batch_op.add_column(sa.Column("address", sa.String(64), nullable=True))
    op.execute(_CONTACT_ADDRESS)
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.alter_column("message_id", existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column("chat_id", existing_type=sa.BigInteger(), nullable=True)
        batch_op.add_column(
            sa.Column("purpose", sa.String(16), nullable=False, server_default="outbox")
        )
        batch_op.add_column(
            sa.Column("channel", sa.String(16), nullable=False, server_default="telegram")
        )
        batch_op.add_column(sa.Column("address", sa.String(64), nullable=True))
    op.execute(_DELIVERY_ADDRESS)


def downgrade() -> None:
    """Downgrade schema."""
    op.execute(_DROP_UNTIED)
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_column("address")
        batch_op.drop_column("channel")
        batch_op.drop_column("purpose")
        batch_op.alter_column("chat_id", existing_type=sa.BigInteger(), nullable=False)
        batch_op.alter_column("message_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_column("address")
        batch_op.drop_column("channel")
