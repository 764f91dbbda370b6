"""sms owed: the notice SMS held per chat until the contact hours or the limits allow it

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-07

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0030"
down_revision: str | Sequence[str] | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DUE_INDEX = "ix_sms_owed_due_at"


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "sms_owed",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("chat_id", name=op.f("pk_sms_owed")),
    )
    op.create_index(DUE_INDEX, "sms_owed", ["due_at"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(DUE_INDEX, table_name="sms_owed")
    op.drop_table("sms_owed")
