"""claims against races: one open survey per chat, one staff post per case

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BACKFILL_CHAT = """
UPDATE survey_sessions SET chat_id = (
    SELECT c.chat_id FROM contacts c WHERE c.id = survey_sessions.contact_id)
"""
# A chat the race left with two open surveys keeps its newest open (the questions the patient
# saw last); the older ones close as partial, as an expired survey does.
_CLOSE_OLDER_OPEN = """
UPDATE survey_sessions SET status = 'partial', finished_at = updated_at
WHERE status = 'open' AND EXISTS (
    SELECT 1 FROM survey_sessions newer
    WHERE newer.chat_id = survey_sessions.chat_id AND newer.status = 'open'
      AND newer.id > survey_sessions.id)
"""
_OPEN = "status = 'open'"


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("survey_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chat_id", sa.BigInteger(), nullable=True))
    op.execute(_BACKFILL_CHAT)
    op.execute(_CLOSE_OLDER_OPEN)
    with op.batch_alter_table("survey_sessions", schema=None) as batch_op:
        batch_op.alter_column("chat_id", existing_type=sa.BigInteger(), nullable=False)
    op.create_index(
        "uq_survey_sessions_open_chat",
        "survey_sessions",
        ["chat_id"],
        unique=True,
        sqlite_where=sa.text(_OPEN),
        postgresql_where=sa.text(_OPEN),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("post_claimed_until", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("post_claimed_until")
    op.drop_index("uq_survey_sessions_open_chat", table_name="survey_sessions")
    with op.batch_alter_table("survey_sessions", schema=None) as batch_op:
        batch_op.drop_column("chat_id")
