"""final answer on rows: a reminder's last settling answer kept on its row, for adherence

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07

The statistics counted each reminder's last final answer among all its answers, the largest
cost of /stats; the answer is now written on the row with the answer. The column starts empty:
the statistics fill it from the stored answers the next time they are read (the tallies'
version in settings_cache changes with this revision). The index by kind also covers it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0025"
down_revision: str | Sequence[str] | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_scheduled_messages_kind"


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("scheduled_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("final_answer", sa.String(length=32), nullable=True))
        batch_op.drop_index(INDEX)
        batch_op.create_index(INDEX, ["kind", "status", "episode_id", "final_answer"])


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("scheduled_messages", schema=None) as batch_op:
        batch_op.drop_index(INDEX)
        batch_op.create_index(INDEX, ["kind", "status", "episode_id"])
        batch_op.drop_column("final_answer")
