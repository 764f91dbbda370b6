"""red flag outcome: what staff did about a red flag (called, advised to come in, nothing)

Revision ID: 0021
Revises: 0018
Create Date: 2026-12-07

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0021"
down_revision: str | Sequence[str] | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("red_flag_outcome", sa.String(length=24), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("red_flag_outcome")
