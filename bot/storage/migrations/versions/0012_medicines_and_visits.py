"""medicine stops, medication horizon, tips apart from reminders, visits in re-exam rows

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-06

"""

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0012"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REMINDER_TEMPLATE = "medication/reminder"
PER_VISIT = 100  # bot.services.planning.VISIT_OCCURRENCES

messages = sa.table(
    "scheduled_messages",
    sa.column("id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("template", sa.String),
    sa.column("occurrence", sa.Integer),
    sa.column("payload", sa.JSON),
)


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "medicine_stops",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("medicine", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["episode_id"], ["episodes.id"], name=op.f("fk_medicine_stops_episode_id_episodes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_medicine_stops")),
        sa.UniqueConstraint("episode_id", "medicine", name="uq_medicine_stops_medicine"),
    )
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("medication_planned_until", sa.DateTime(timezone=True), nullable=True)
        )
    # Plan tips about medicines were rows of kind "medication" with answer buttons.
    op.execute(
        messages.update()
        .where(messages.c.kind == "medication", messages.c.template != REMINDER_TEMPLATE)
        .values(kind="medication_tip")
    )
    _number_visits()


def _number_visits() -> None:
    """Give re-examination rows the visit they remind of (its date) in their occurrence."""
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(messages.c.id, messages.c.occurrence, messages.c.payload).where(
            messages.c.kind == "reexam_reminder"
        )
    ).all()
    for row_id, occurrence, payload in rows:
        visit = (payload or {}).get("revisit_date")
        if not visit or occurrence >= PER_VISIT:
            continue
        number = date.fromisoformat(str(visit)).toordinal() * PER_VISIT + occurrence
        conn.execute(messages.update().where(messages.c.id == row_id).values(occurrence=number))


def downgrade() -> None:
    """Downgrade schema."""
    op.execute(
        messages.update().where(messages.c.kind == "medication_tip").values(kind="medication")
    )
    # Re-examination rows keep their visit numbers: two visits of one step could collide.
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_column("medication_planned_until")
    op.drop_table("medicine_stops")
