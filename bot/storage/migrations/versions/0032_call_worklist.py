"""call worklist: the calls owed, each try at them, and the weekly quality sample

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-07

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0032"
down_revision: str | Sequence[str] | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN_INDEX = "ix_call_tasks_open"
EPISODE_INDEX = "ix_call_tasks_episode_id"
TASK_INDEX = "ix_call_attempts_task_id"
STAFF_INDEX = "ix_call_attempts_staff_started"


def upgrade() -> None:
    """Upgrade schema."""
    _create_tasks()
    _create_attempts()
    op.create_table(
        "call_reviews",
        sa.Column("attempt_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("sampled_by", sa.BigInteger(), nullable=False),
        sa.Column("sampled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["call_attempts.id"],
            name=op.f("fk_call_reviews_attempt_id_call_attempts"),
        ),
        sa.PrimaryKeyConstraint("attempt_id", name=op.f("pk_call_reviews")),
    )


def _create_tasks() -> None:
    """Create the calls owed."""
    op.create_table(
        "call_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=96), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=24), nullable=False),
        sa.Column("step", sa.String(length=64), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assignee", sa.BigInteger(), nullable=True),
        sa.Column("claimed_by", sa.BigInteger(), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=24), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_call_tasks_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_call_tasks_department_id_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["episode_id"], ["episodes.id"], name=op.f("fk_call_tasks_episode_id_episodes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_tasks")),
        sa.UniqueConstraint("key", name=op.f("uq_call_tasks_key")),
    )
    op.create_index(EPISODE_INDEX, "call_tasks", ["episode_id"], unique=False)
    op.create_index(OPEN_INDEX, "call_tasks", ["status", "department_id", "due_at"], unique=False)


def _create_attempts() -> None:
    """Create the tries at each call."""
    op.create_table(
        "call_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("staff_user", sa.BigInteger(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=24), nullable=True),
        sa.Column("call_back_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_call_attempts_contact_id_contacts")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["call_tasks.id"], name=op.f("fk_call_attempts_task_id_call_tasks")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_attempts")),
    )
    op.create_index(TASK_INDEX, "call_attempts", ["task_id"], unique=False)
    op.create_index(STAFF_INDEX, "call_attempts", ["staff_user", "started_at"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("call_reviews")
    op.drop_index(STAFF_INDEX, table_name="call_attempts")
    op.drop_index(TASK_INDEX, table_name="call_attempts")
    op.drop_table("call_attempts")
    op.drop_index(OPEN_INDEX, table_name="call_tasks")
    op.drop_index(EPISODE_INDEX, table_name="call_tasks")
    op.drop_table("call_tasks")
