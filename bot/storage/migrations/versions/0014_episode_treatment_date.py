"""episode treatment date

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add episodes.treated_on (the list's 治疗日期/手术日期), empty for existing stays."""
    with op.batch_alter_table("episodes") as batch:
        batch.add_column(sa.Column("treated_on", sa.Date(), nullable=True))


def downgrade() -> None:
    """Drop episodes.treated_on."""
    with op.batch_alter_table("episodes") as batch:
        batch.drop_column("treated_on")
