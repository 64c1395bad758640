"""the issuer's settings; a live account's tax id is unique on the installation

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02

One taxpayer has one numbering and one VERI*FACTU chain, so two live accounts may not share a
tax id (their sandbox twins repeat it and stay apart). An installation that already has such
twins cannot be upgraded blindly: which account keeps the tax id is the taxpayer's decision,
so the upgrade stops and names them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

LIVE = "NOT is_sandbox"


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("trade_name", sa.String(255), nullable=True))
        batch.add_column(sa.Column("phone", sa.String(40), nullable=True))
        batch.add_column(sa.Column("iban", sa.String(34), nullable=True))
        batch.add_column(
            sa.Column(
                "default_date_format",
                sa.String(16),
                nullable=False,
                server_default="dd/mm/yyyy",
            )
        )
        batch.add_column(
            sa.Column(
                "default_money_format",
                sa.String(40),
                nullable=False,
                server_default="symbol_after,point,comma",
            )
        )
    shared = op.get_bind().execute(
        sa.text(
            "SELECT tax_id, COUNT(*) FROM accounts WHERE NOT is_sandbox "
            "GROUP BY tax_id HAVING COUNT(*) > 1 ORDER BY tax_id"
        )
    )
    duplicates = [f"{tax_id} ({count} live accounts)" for tax_id, count in shared]
    if duplicates:
        raise RuntimeError(
            "these tax ids belong to several live accounts: "
            + ", ".join(duplicates)
            + ". One taxpayer has one numbering and one VERI*FACTU chain: keep one live "
            "account per tax id (move the others' invoicing to series of it) and migrate again"
        )
    op.create_index(
        "uq_accounts_live_tax_id",
        "accounts",
        ["tax_id"],
        unique=True,
        postgresql_where=sa.text(LIVE),
        sqlite_where=sa.text(LIVE),
    )


def downgrade() -> None:
    op.drop_index("uq_accounts_live_tax_id", table_name="accounts")
    with op.batch_alter_table("accounts") as batch:
        for column in (
            "default_money_format",
            "default_date_format",
            "iban",
            "phone",
            "trade_name",
        ):
            batch.drop_column(column)
