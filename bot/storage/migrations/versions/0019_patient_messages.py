"""patient messages: what patients send outside a survey answer, kept whole

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0019"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "patient_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("file_id", sa.String(length=200), nullable=True),
        sa.Column("triage", sa.String(length=16), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("reply", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_patient_messages_patient_id_patients")
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_patient_messages_contact_id_contacts")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_patient_messages_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patient_messages")),
    )
    op.create_index(
        op.f("ix_patient_messages_patient_id"), "patient_messages", ["patient_id"], unique=False
    )
    op.create_index(
        "ix_patient_messages_chat", "patient_messages", ["chat_id", "received_at"], unique=False
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_patient_messages_chat", table_name="patient_messages")
    op.drop_index(op.f("ix_patient_messages_patient_id"), table_name="patient_messages")
    op.drop_table("patient_messages")
