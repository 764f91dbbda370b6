"""step tallies per plan: reply rates of steps with the same key in different plans apart

Revision ID: 0024
Revises: 0022
Create Date: 2026-12-07

The table is emptied: the statistics rebuild every tally from the stored rows the next time
they are read (the tallies' version in settings_cache changes with this revision).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0024"
down_revision: str | Sequence[str] | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _step_tallies(*keys: str) -> None:
    op.create_table(
        "step_tallies",
        sa.Column("hour", sa.DateTime(timezone=True), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        *(
            [sa.Column("plan_key", sa.String(length=64), nullable=False)]
            if "plan_key" in keys
            else []
        ),
        sa.Column("step_key", sa.String(length=64), nullable=False),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*keys, name=op.f("pk_step_tallies")),
    )


def upgrade() -> None:
    """Upgrade schema."""
    op.drop_table("step_tallies")
    _step_tallies("hour", "department_id", "plan_key", "step_key")


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("step_tallies")
    _step_tallies("hour", "department_id", "step_key")
