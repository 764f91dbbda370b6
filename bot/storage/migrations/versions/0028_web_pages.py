"""web pages: each chat's feed, the links to its pages (capabilities), its last visit

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0028"
down_revision: str | Sequence[str] | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FEED_INDEX = "ix_web_feed_chat_id_id"
LINKS_INDEX = "ix_web_links_chat_id_purpose"


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "web_feed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("private", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_feed")),
    )
    op.create_index(FEED_INDEX, "web_feed", ["chat_id", "id"], unique=False)
    op.create_table(
        "web_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_web_links_token_hash")),
    )
    op.create_index(LINKS_INDEX, "web_links", ["chat_id", "purpose"], unique=False)
    op.create_table(
        "web_visits",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("chat_id", name=op.f("pk_web_visits")),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("web_visits")
    op.drop_index(LINKS_INDEX, table_name="web_links")
    op.drop_table("web_links")
    op.drop_index(FEED_INDEX, table_name="web_feed")
    op.drop_table("web_feed")
