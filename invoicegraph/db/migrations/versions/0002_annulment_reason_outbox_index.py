"""annulment reason on invoices; partial index for the VERI*FACTU worker's due query

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

DUE = "status IN ('pending', 'sending')"


def upgrade() -> None:
    with op.batch_alter_table("invoices") as batch:
        batch.add_column(sa.Column("annulment_reason", sa.Text(), nullable=True))
    op.create_index(
        "ix_verifactu_submissions_account_id_due",
        "verifactu_submissions",
        ["account_id", "next_attempt_at"],
        postgresql_where=sa.text(DUE),
        sqlite_where=sa.text(DUE),
    )


def downgrade() -> None:
    op.drop_index("ix_verifactu_submissions_account_id_due", table_name="verifactu_submissions")
    with op.batch_alter_table("invoices") as batch:
        batch.drop_column("annulment_reason")
