"""contacts by stay: the worklist's sweep asks of each stay whether a chat reaches it (without
the index, one scan of the contacts per stay: minutes at 100,000 stays)

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-08

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0035"
down_revision: str | Sequence[str] | None = "0034"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_contacts_episode_id"


def upgrade() -> None:
    """Upgrade schema."""
    op.create_index(INDEX, "contacts", ["episode_id"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(INDEX, table_name="contacts")
