"""flagged stays index: the stays with a 特殊标记 or a listed plan, for the special groups' count

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-07

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0033"
down_revision: str | Sequence[str] | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_episodes_flagged"
FLAGGED = sa.text("flags IS NOT NULL OR plan IS NOT NULL")


def upgrade() -> None:
    """Upgrade schema."""
    op.create_index(
        INDEX,
        "episodes",
        ["discharged_at"],
        unique=False,
        sqlite_where=FLAGGED,
        postgresql_where=FLAGGED,
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(INDEX, table_name="episodes")
