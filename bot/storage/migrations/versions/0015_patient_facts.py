"""patient facts: death and dispute recorded per patient, with date, source and recorder

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Stays already imported with 死亡 or 纠纷 become facts about their patient, so that every
# other stay of that patient stops too (as an import does from now on).
_BACKFILL_FACTS = """
INSERT INTO patient_facts
    (patient_id, fact, active, on_date, source, actor_kind, actor_id, recorded_at)
SELECT e.patient_id, e.exclusion, :active, NULL,
       'import:' || COALESCE(e.source_file, '') || ':' || COALESCE(CAST(e.source_line AS VARCHAR(12)), ''),
       'migration', '0015', e.imported_at
FROM episodes e
WHERE e.exclusion IN ('deceased', 'dispute')
"""
_BACKFILL_DECEASED = """
UPDATE patients SET deceased_at = (
    SELECT MIN(e.imported_at) FROM episodes e
    WHERE e.patient_id = patients.id AND e.exclusion = 'deceased')
WHERE deceased_at IS NULL AND id IN (
    SELECT patient_id FROM episodes WHERE exclusion = 'deceased')
"""
_BACKFILL_DISPUTE = """
UPDATE patients SET dispute_since = (
    SELECT MIN(e.imported_at) FROM episodes e
    WHERE e.patient_id = patients.id AND e.exclusion = 'dispute')
WHERE id IN (SELECT patient_id FROM episodes WHERE exclusion = 'dispute')
"""


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dispute_since", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "patient_facts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("fact", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=True),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("actor_kind", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_patient_facts_patient_id_patients"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patient_facts")),
    )
    op.create_index(
        op.f("ix_patient_facts_patient_id"), "patient_facts", ["patient_id"], unique=False
    )
    op.execute(sa.text(_BACKFILL_FACTS).bindparams(active=True))
    op.execute(_BACKFILL_DECEASED)
    op.execute(_BACKFILL_DISPUTE)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f("ix_patient_facts_patient_id"), table_name="patient_facts")
    op.drop_table("patient_facts")
    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.drop_column("dispute_since")
