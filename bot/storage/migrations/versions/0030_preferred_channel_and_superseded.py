"""preferred channel: the list's 回访方式 on each stay; when a chat took over an SMS contact

Revision ID: 0030
Revises: 0027
Create Date: 2026-12-07

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0030"
down_revision: str | Sequence[str] | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("episodes") as batch_op:
        batch_op.add_column(sa.Column("preferred_channel", sa.String(length=16), nullable=True))
    with op.batch_alter_table("contacts") as batch_op:
        batch_op.add_column(sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("contacts") as batch_op:
        batch_op.drop_column("superseded_at")
    with op.batch_alter_table("episodes") as batch_op:
        batch_op.drop_column("preferred_channel")
