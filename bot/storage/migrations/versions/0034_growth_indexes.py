"""growth indexes: the calls of a period by when they started, whoever made them; the few
patients who died or are in dispute

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-07

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0034"
down_revision: str | Sequence[str] | None = "0033"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CALLS = "ix_call_attempts_started"
FACTS = "ix_patients_with_fact"
WITH_FACT = sa.text("deceased_at IS NOT NULL OR dispute_since IS NOT NULL")


def upgrade() -> None:
    """Upgrade schema."""
    op.create_index(CALLS, "call_attempts", ["started_at"], unique=False)
    op.create_index(
        FACTS, "patients", ["id"], unique=False, sqlite_where=WITH_FACT, postgresql_where=WITH_FACT
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(FACTS, table_name="patients")
    op.drop_index(CALLS, table_name="call_attempts")
