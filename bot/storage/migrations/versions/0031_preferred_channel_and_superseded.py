"""who is reached how: the list's 回访方式 on each stay, when a chat took over an SMS contact,
and each stay's channels followed up and reached, with their tallies (filled by the recount)

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-07

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0031"
down_revision: str | Sequence[str] | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "episode_channels",
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("followed_up_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reached_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["episodes.id"],
            name=op.f("fk_episode_channels_episode_id_episodes"),
        ),
        sa.PrimaryKeyConstraint("episode_id", "channel", name=op.f("pk_episode_channels")),
    )
    op.create_table(
        "channel_tallies",
        sa.Column("hour", sa.DateTime(timezone=True), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("followed_up", sa.Integer(), nullable=False),
        sa.Column("reached", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "hour", "department_id", "channel", name=op.f("pk_channel_tallies")
        ),
    )
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
    op.drop_table("episode_channels")
    op.drop_table("channel_tallies")
