"""issued invoices are immutable in the database, not only in the application

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

Triggers refuse an UPDATE that changes a fiscal column of an invoice that is no longer a
draft (its number, date, parties, currency and amounts), and any UPDATE of the lines and
line taxes of such an invoice (an issued copy is inserted with its lines in one go, so
INSERT stays open). What may change after issue stays writable: the
payment date, private notes, print settings, the annulment and what rectificatives took.
Deleting stays possible (the last invoice of a series, cascading to its lines), as the
application allows it when VERI*FACTU is off.
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

FISCAL_COLUMNS = (
    "account_id",
    "is_rectificative",
    "is_simplified",
    "series_id",
    "number",
    "full_number",
    "date",
    "operation_date",
    "client_id",
    "currency",
    "exchange_rate",
    "rectifies_invoice_id",
    "rectification_cause",
    "rectification_kind",
    "subtotal",
    "total_discount",
    "total_before_taxes",
    "total_taxes",
    "total_with_taxes",
    "total_vat",
    "total_withholding",
    *(
        f"{party}_{field}"
        for party in ("issuer", "recipient")
        for field in ("name", "tax_id", "address", "city", "province", "postal_code", "country")
    ),
)
MESSAGE = "issued invoices are immutable: correct them with a rectificative invoice"


def _changed(distinct: str) -> str:
    return " OR ".join(f"OLD.{c} {distinct} NEW.{c}" for c in FISCAL_COLUMNS)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION invoices_issued_immutable() RETURNS trigger AS $$
            BEGIN
                IF OLD.status <> 'draft' AND ({_changed("IS DISTINCT FROM")}) THEN
                    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
                END IF;
                RETURN NEW;
            END $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER invoices_issued_immutable BEFORE UPDATE ON invoices "
            "FOR EACH ROW EXECUTE FUNCTION invoices_issued_immutable()"
        )
        op.execute(
            f"""
            CREATE FUNCTION invoice_rows_issued_immutable() RETURNS trigger AS $$
            BEGIN
                IF EXISTS (SELECT 1 FROM invoices i WHERE i.account_id = NEW.account_id
                           AND i.id = NEW.invoice_id AND i.status <> 'draft') THEN
                    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
                END IF;
                RETURN NEW;
            END $$ LANGUAGE plpgsql
            """  # noqa: S608 -- constants only
        )
        for table in ("invoice_lines", "invoice_line_taxes"):
            op.execute(
                f"CREATE TRIGGER {table}_issued_immutable BEFORE UPDATE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION invoice_rows_issued_immutable()"
            )
        return
    op.execute(
        f"""
        CREATE TRIGGER invoices_issued_immutable BEFORE UPDATE ON invoices
        FOR EACH ROW WHEN OLD.status <> 'draft' AND ({_changed("IS NOT")})
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
        """
    )
    for table in ("invoice_lines", "invoice_line_taxes"):
        for event in ("UPDATE",):
            op.execute(
                f"""
                CREATE TRIGGER {table}_issued_immutable_{event.lower()}
                BEFORE {event} ON {table} FOR EACH ROW
                WHEN EXISTS (SELECT 1 FROM invoices i WHERE i.account_id = NEW.account_id
                             AND i.id = NEW.invoice_id AND i.status <> 'draft')
                BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
                """  # noqa: S608 -- constants only
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in ("invoice_lines", "invoice_line_taxes"):
            op.execute(f"DROP TRIGGER {table}_issued_immutable ON {table}")
        op.execute("DROP TRIGGER invoices_issued_immutable ON invoices")
        op.execute("DROP FUNCTION invoice_rows_issued_immutable()")
        op.execute("DROP FUNCTION invoices_issued_immutable()")
        return
    op.execute("DROP TRIGGER invoices_issued_immutable")
    for table in ("invoice_lines", "invoice_line_taxes"):
        op.execute(f"DROP TRIGGER {table}_issued_immutable_update")
