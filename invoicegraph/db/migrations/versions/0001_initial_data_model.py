"""initial data model

Revision ID: 0001
Revises:
Create Date: 2026-11-21 08:27:27.876723
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import invoicegraph.db.types

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def tenant_id() -> sa.Column:  # type: ignore[type-arg]
    """The integer id. PostgreSQL: an identity inside the (account_id, id) key. SQLite cannot
    autoincrement a composite key, so there ``id`` is the rowid alias (AUTOINCREMENT: never
    reused) and (account_id, id) is a unique constraint that composite foreign keys target."""
    if _sqlite():
        return sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True)
    return sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False)


def tenant_key(table: str) -> list[sa.Constraint]:
    if _sqlite():
        return [sa.UniqueConstraint("account_id", "id", name=f"uq_{table}_account_id_id")]
    return [sa.PrimaryKeyConstraint("account_id", "id", name=f"pk_{table}")]


def create_table(name: str, *items: sa.schema.SchemaItem) -> None:
    # AUTOINCREMENT on SQLite: an id is never reused after its row is deleted
    op.create_table(name, *items, sqlite_autoincrement=True)


def account_key() -> list[sa.Constraint]:
    return [] if _sqlite() else [sa.PrimaryKeyConstraint("id", name="pk_accounts")]


APPEND_ONLY_PG = [
    """CREATE FUNCTION verifactu_records_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'verifactu_records is append-only: % refused', TG_OP;
    END;
    $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER verifactu_records_no_update BEFORE UPDATE OR DELETE ON verifactu_records
    FOR EACH ROW EXECUTE FUNCTION verifactu_records_append_only()""",
    """CREATE TRIGGER verifactu_records_no_truncate BEFORE TRUNCATE ON verifactu_records
    FOR EACH STATEMENT EXECUTE FUNCTION verifactu_records_append_only()""",
]

APPEND_ONLY_SQLITE = [
    """CREATE TRIGGER verifactu_records_no_update BEFORE UPDATE ON verifactu_records
    BEGIN SELECT RAISE(ABORT, 'verifactu_records is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER verifactu_records_no_delete BEFORE DELETE ON verifactu_records
    BEGIN SELECT RAISE(ABORT, 'verifactu_records is append-only: DELETE refused'); END""",
]


def upgrade() -> None:
    create_table(
        "accounts",
        tenant_id(),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("live_account_id", sa.BigInteger(), nullable=True),
        sa.Column("is_sandbox", sa.Boolean(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("tax_id", sa.String(length=32), nullable=False),
        sa.Column("address", sa.String(length=255), nullable=True),
        sa.Column("city", sa.String(length=120), nullable=True),
        sa.Column("province", sa.String(length=120), nullable=True),
        sa.Column("postal_code", sa.String(length=20), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("email", sa.String(length=255), nullable=True),
        sa.Column("brand_color", sa.String(length=7), nullable=True),
        sa.Column("plan", sa.String(length=20), nullable=False),
        sa.Column("verifactu_enabled", sa.Boolean(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("default_lang", sa.String(length=5), nullable=False),
        sa.Column("default_currency", sa.String(length=3), nullable=False),
        sa.Column(
            "created_at",
            invoicegraph.db.types.UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column("updated_at", invoicegraph.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["live_account_id"],
            ["accounts.id"],
            name=op.f("fk_accounts_live_account_id_accounts"),
            ondelete="CASCADE",
        ),
        *account_key(),
        sa.UniqueConstraint("live_account_id", name=op.f("uq_accounts_live_account_id")),
        sa.UniqueConstraint("uuid", name=op.f("uq_accounts_uuid")),
    )
    create_table(
        "api_keys",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        tenant_id(),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("mode", sa.String(length=4), nullable=False),
        sa.Column("access", sa.String(length=5), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("hint", sa.String(length=16), nullable=False),
        sa.Column("last_used_at", invoicegraph.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", invoicegraph.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            invoicegraph.db.types.UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_api_keys_account_id_accounts"),
            ondelete="CASCADE",
        ),
        *tenant_key("api_keys"),
    )
    op.create_index(
        "uq_api_keys_account_id_secret_hash", "api_keys", ["account_id", "secret_hash"], unique=True
    )
    op.create_index("uq_api_keys_account_id_uuid", "api_keys", ["account_id", "uuid"], unique=True)
    create_table(
        "clients",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        tenant_id(),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("tax_id", sa.String(length=32), nullable=True),
        sa.Column("email", sa.String(length=255), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("address", sa.String(length=255), nullable=True),
        sa.Column("city", sa.String(length=120), nullable=True),
        sa.Column("province", sa.String(length=120), nullable=True),
        sa.Column("postal_code", sa.String(length=20), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("updated_at", invoicegraph.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            invoicegraph.db.types.UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_clients_account_id_accounts"),
            ondelete="CASCADE",
        ),
        *tenant_key("clients"),
    )
    op.create_index("ix_clients_account_id_name", "clients", ["account_id", "name"], unique=False)
    op.create_index(
        "uq_clients_account_id_tax_id",
        "clients",
        ["account_id", "tax_id"],
        unique=True,
        postgresql_where=sa.text("tax_id IS NOT NULL"),
        sqlite_where=sa.text("tax_id IS NOT NULL"),
    )
    op.create_index("uq_clients_account_id_uuid", "clients", ["account_id", "uuid"], unique=True)
    create_table(
        "due_date_terms",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        tenant_id(),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            invoicegraph.db.types.UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_due_date_terms_account_id_accounts"),
            ondelete="CASCADE",
        ),
        *tenant_key("due_date_terms"),
    )
    op.create_index(
        "uq_due_date_terms_account_id_uuid", "due_date_terms", ["account_id", "uuid"], unique=True
    )
    create_table(
        "idempotency_records",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        tenant_id(),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("face", sa.String(length=8), nullable=False),
        sa.Column("request_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("response_headers", sa.JSON(), nullable=False),
        sa.Column("response_body", sa.LargeBinary(), nullable=True),
        sa.Column("expires_at", invoicegraph.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            invoicegraph.db.types.UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_idempotency_records_account_id_accounts"),
            ondelete="CASCADE",
        ),
        *tenant_key("idempotency_records"),
    )
    op.create_index(
        "ix_idempotency_records_account_id_expires_at",
        "idempotency_records",
        ["account_id", "expires_at"],
        unique=False,
    )
    op.create_index(
        "uq_idempotency_records_account_id_face_key",
        "idempotency_records",
        ["account_id", "face", "key"],
        unique=True,
    )
    create_table(
        "payment_methods",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        tenant_id(),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("iban", sa.String(length=34), nullable=True),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            invoicegraph.db.types.UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_payment_methods_account_id_accounts"),
            ondelete="CASCADE",
        ),
        *tenant_key("payment_methods"),
    )
    op.create_index(
        "uq_payment_methods_account_id_uuid", "payment_methods", ["account_id", "uuid"], unique=True
    )
    create_table(
        "products",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        tenant_id(),
        sa.Column("sku", sa.String(length=64), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("price", invoicegraph.db.types.ExactDecimal(18, 6), nullable=False),
        sa.Column("discount", invoicegraph.db.types.ExactDecimal(9, 4), nullable=False),
        sa.Column("tax_ids", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", invoicegraph.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            invoicegraph.db.types.UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_products_account_id_accounts"),
            ondelete="CASCADE",
        ),
        *tenant_key("products"),
    )
    op.create_index("ix_products_account_id_sku", "products", ["account_id", "sku"], unique=False)
    op.create_index("uq_products_account_id_uuid", "products", ["account_id", "uuid"], unique=True)
    create_table(
        "series",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        tenant_id(),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("number_format", sa.String(length=64), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.Column("last_issue_date", sa.Date(), nullable=True),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", invoicegraph.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            invoicegraph.db.types.UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_series_account_id_accounts"),
            ondelete="CASCADE",
        ),
        *tenant_key("series"),
    )
    op.create_index("uq_series_account_id_code", "series", ["account_id", "code"], unique=True)
    op.create_index("uq_series_account_id_uuid", "series", ["account_id", "uuid"], unique=True)
    create_table(
        "taxes",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        tenant_id(),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("current_version_id", sa.BigInteger(), nullable=True),
        sa.Column("impuesto", sa.String(length=2), nullable=False),
        sa.Column("regime_key", sa.String(length=2), nullable=False),
        sa.Column("qualification", sa.String(length=2), nullable=False),
        sa.Column("exemption_code", sa.String(length=2), nullable=True),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", invoicegraph.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            invoicegraph.db.types.UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_taxes_account_id_accounts"),
            ondelete="CASCADE",
        ),
        *tenant_key("taxes"),
    )
    op.create_index("uq_taxes_account_id_uuid", "taxes", ["account_id", "uuid"], unique=True)
    create_table(
        "invoices",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        tenant_id(),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("is_rectificative", sa.Boolean(), nullable=False),
        sa.Column("is_simplified", sa.Boolean(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("series_id", sa.BigInteger(), nullable=True),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("full_number", sa.String(length=64), nullable=True),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("operation_date", sa.Date(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("due_date_term_id", sa.BigInteger(), nullable=True),
        sa.Column("payment_method_id", sa.BigInteger(), nullable=True),
        sa.Column("payment_method_text", sa.String(length=500), nullable=True),
        sa.Column("client_id", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("exchange_rate", invoicegraph.db.types.ExactDecimal(18, 6), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("external_reference", sa.String(length=255), nullable=True),
        sa.Column("rectifies_invoice_id", sa.BigInteger(), nullable=True),
        sa.Column("rectification_cause", sa.String(length=2), nullable=True),
        sa.Column("rectification_kind", sa.String(length=1), nullable=True),
        sa.Column("rectification_reason", sa.Text(), nullable=True),
        sa.Column("rectified_status", sa.String(length=8), nullable=False),
        sa.Column("issued_from_id", sa.BigInteger(), nullable=True),
        sa.Column("total_vat", invoicegraph.db.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("total_withholding", invoicegraph.db.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("payed_at", sa.Date(), nullable=True),
        sa.Column("issued_at", invoicegraph.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("annulled_at", invoicegraph.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", invoicegraph.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            invoicegraph.db.types.UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column("issuer_name", sa.String(length=255), nullable=False),
        sa.Column("issuer_tax_id", sa.String(length=32), nullable=False),
        sa.Column("issuer_address", sa.String(length=255), nullable=True),
        sa.Column("issuer_city", sa.String(length=120), nullable=True),
        sa.Column("issuer_province", sa.String(length=120), nullable=True),
        sa.Column("issuer_postal_code", sa.String(length=20), nullable=True),
        sa.Column("issuer_country", sa.String(length=2), nullable=False),
        sa.Column("recipient_name", sa.String(length=255), nullable=True),
        sa.Column("recipient_tax_id", sa.String(length=32), nullable=True),
        sa.Column("recipient_address", sa.String(length=255), nullable=True),
        sa.Column("recipient_city", sa.String(length=120), nullable=True),
        sa.Column("recipient_province", sa.String(length=120), nullable=True),
        sa.Column("recipient_postal_code", sa.String(length=20), nullable=True),
        sa.Column("recipient_country", sa.String(length=2), nullable=True),
        sa.Column("subtotal", invoicegraph.db.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("total_discount", invoicegraph.db.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("total_before_taxes", invoicegraph.db.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("total_taxes", invoicegraph.db.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("total_with_taxes", invoicegraph.db.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("lang", sa.String(length=5), nullable=False),
        sa.Column("date_format", sa.String(length=16), nullable=False),
        sa.Column("money_format", sa.String(length=40), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("template_options", sa.JSON(), nullable=False),
        sa.Column("intro_texts", sa.JSON(), nullable=False),
        sa.Column("close_texts", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'issued', 'annulled')", name=op.f("ck_invoices_status")
        ),
        sa.ForeignKeyConstraint(
            ["account_id", "client_id"],
            ["clients.account_id", "clients.id"],
            name=op.f("fk_invoices_account_id_client_id_clients"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id", "rectifies_invoice_id"],
            ["invoices.account_id", "invoices.id"],
            name=op.f("fk_invoices_account_id_rectifies_invoice_id_invoices"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id", "series_id"],
            ["series.account_id", "series.id"],
            name=op.f("fk_invoices_account_id_series_id_series"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_invoices_account_id_accounts"),
            ondelete="CASCADE",
        ),
        *tenant_key("invoices"),
    )
    op.create_index(
        "ix_invoices_account_id_client_id", "invoices", ["account_id", "client_id"], unique=False
    )
    op.create_index(
        "ix_invoices_account_id_date_id", "invoices", ["account_id", "date", "id"], unique=False
    )
    op.create_index(
        "ix_invoices_account_id_due_date", "invoices", ["account_id", "due_date"], unique=False
    )
    op.create_index(
        "ix_invoices_account_id_external_reference",
        "invoices",
        ["account_id", "external_reference"],
        unique=False,
    )
    op.create_index(
        "ix_invoices_account_id_rectifies_invoice_id",
        "invoices",
        ["account_id", "rectifies_invoice_id"],
        unique=False,
    )
    op.create_index(
        "ix_invoices_account_id_status_payed_at",
        "invoices",
        ["account_id", "status", "payed_at"],
        unique=False,
    )
    op.create_index(
        "ix_invoices_account_id_total_with_taxes",
        "invoices",
        ["account_id", "total_with_taxes"],
        unique=False,
    )
    op.create_index(
        "uq_invoices_account_id_series_id_number",
        "invoices",
        ["account_id", "series_id", "number"],
        unique=True,
    )
    op.create_index("uq_invoices_account_id_uuid", "invoices", ["account_id", "uuid"], unique=True)
    create_table(
        "quotes",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        tenant_id(),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("client_id", sa.BigInteger(), nullable=True),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("exchange_rate", invoicegraph.db.types.ExactDecimal(18, 6), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("external_reference", sa.String(length=255), nullable=True),
        sa.Column("converted_invoice_id", sa.BigInteger(), nullable=True),
        sa.Column("updated_at", invoicegraph.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            invoicegraph.db.types.UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column("subtotal", invoicegraph.db.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("total_discount", invoicegraph.db.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("total_before_taxes", invoicegraph.db.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("total_taxes", invoicegraph.db.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("total_with_taxes", invoicegraph.db.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("lang", sa.String(length=5), nullable=False),
        sa.Column("date_format", sa.String(length=16), nullable=False),
        sa.Column("money_format", sa.String(length=40), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("template_options", sa.JSON(), nullable=False),
        sa.Column("intro_texts", sa.JSON(), nullable=False),
        sa.Column("close_texts", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'sent', 'accepted', 'rejected', 'converted')",
            name=op.f("ck_quotes_status"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id", "client_id"],
            ["clients.account_id", "clients.id"],
            name=op.f("fk_quotes_account_id_client_id_clients"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_quotes_account_id_accounts"),
            ondelete="CASCADE",
        ),
        *tenant_key("quotes"),
    )
    op.create_index(
        "ix_quotes_account_id_date_id", "quotes", ["account_id", "date", "id"], unique=False
    )
    op.create_index(
        "ix_quotes_account_id_external_reference",
        "quotes",
        ["account_id", "external_reference"],
        unique=False,
    )
    op.create_index("uq_quotes_account_id_uuid", "quotes", ["account_id", "uuid"], unique=True)
    create_table(
        "tax_versions",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        tenant_id(),
        sa.Column("tax_id", sa.BigInteger(), nullable=False),
        sa.Column("percentage", invoicegraph.db.types.ExactDecimal(9, 4), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            invoicegraph.db.types.UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["account_id", "tax_id"],
            ["taxes.account_id", "taxes.id"],
            name=op.f("fk_tax_versions_account_id_tax_id_taxes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_tax_versions_account_id_accounts"),
            ondelete="CASCADE",
        ),
        *tenant_key("tax_versions"),
    )
    op.create_index(
        "ix_tax_versions_account_id_tax_id", "tax_versions", ["account_id", "tax_id"], unique=False
    )
    op.create_index(
        "uq_tax_versions_account_id_uuid", "tax_versions", ["account_id", "uuid"], unique=True
    )
    create_table(
        "invoice_documents",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        tenant_id(),
        sa.Column("invoice_id", sa.BigInteger(), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("media_type", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            invoicegraph.db.types.UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["account_id", "invoice_id"],
            ["invoices.account_id", "invoices.id"],
            name=op.f("fk_invoice_documents_account_id_invoice_id_invoices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_invoice_documents_account_id_accounts"),
            ondelete="CASCADE",
        ),
        *tenant_key("invoice_documents"),
    )
    op.create_index(
        "uq_invoice_documents_account_id_invoice_id_format",
        "invoice_documents",
        ["account_id", "invoice_id", "format"],
        unique=True,
    )
    create_table(
        "invoice_lines",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        tenant_id(),
        sa.Column("invoice_id", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.BigInteger(), nullable=True),
        sa.Column("sku", sa.String(length=64), nullable=True),
        sa.Column("reference", sa.String(length=255), nullable=True),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("quantity", invoicegraph.db.types.ExactDecimal(18, 4), nullable=False),
        sa.Column("price", invoicegraph.db.types.ExactDecimal(18, 6), nullable=False),
        sa.Column("discount", invoicegraph.db.types.ExactDecimal(9, 4), nullable=False),
        sa.Column("subtotal", invoicegraph.db.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("total_discount", invoicegraph.db.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("total_before_taxes", invoicegraph.db.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("total_taxes", invoicegraph.db.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("total_with_taxes", invoicegraph.db.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("rectifies_line_id", sa.BigInteger(), nullable=True),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            invoicegraph.db.types.UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["account_id", "invoice_id"],
            ["invoices.account_id", "invoices.id"],
            name=op.f("fk_invoice_lines_account_id_invoice_id_invoices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_invoice_lines_account_id_accounts"),
            ondelete="CASCADE",
        ),
        *tenant_key("invoice_lines"),
    )
    op.create_index(
        "ix_invoice_lines_account_id_invoice_id",
        "invoice_lines",
        ["account_id", "invoice_id", "position"],
        unique=False,
    )
    op.create_index(
        "ix_invoice_lines_account_id_rectifies_line_id",
        "invoice_lines",
        ["account_id", "rectifies_line_id"],
        unique=False,
    )
    create_table(
        "quote_lines",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        tenant_id(),
        sa.Column("quote_id", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.BigInteger(), nullable=True),
        sa.Column("sku", sa.String(length=64), nullable=True),
        sa.Column("reference", sa.String(length=255), nullable=True),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("quantity", invoicegraph.db.types.ExactDecimal(18, 4), nullable=False),
        sa.Column("price", invoicegraph.db.types.ExactDecimal(18, 6), nullable=False),
        sa.Column("discount", invoicegraph.db.types.ExactDecimal(9, 4), nullable=False),
        sa.Column("subtotal", invoicegraph.db.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("total_discount", invoicegraph.db.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("total_before_taxes", invoicegraph.db.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("total_taxes", invoicegraph.db.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("total_with_taxes", invoicegraph.db.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            invoicegraph.db.types.UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["account_id", "quote_id"],
            ["quotes.account_id", "quotes.id"],
            name=op.f("fk_quote_lines_account_id_quote_id_quotes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_quote_lines_account_id_accounts"),
            ondelete="CASCADE",
        ),
        *tenant_key("quote_lines"),
    )
    op.create_index(
        "ix_quote_lines_account_id_quote_id",
        "quote_lines",
        ["account_id", "quote_id", "position"],
        unique=False,
    )
    create_table(
        "verifactu_records",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        tenant_id(),
        sa.Column("chain_position", sa.Integer(), nullable=False),
        sa.Column("record_type", sa.String(length=10), nullable=False),
        sa.Column("invoice_id", sa.BigInteger(), nullable=False),
        sa.Column("issuer_tax_id", sa.String(length=32), nullable=False),
        sa.Column("issuer_name", sa.String(length=255), nullable=False),
        sa.Column("invoice_number", sa.String(length=64), nullable=False),
        sa.Column("invoice_date", sa.Date(), nullable=False),
        sa.Column("invoice_type", sa.String(length=2), nullable=True),
        sa.Column("rectification_type", sa.String(length=1), nullable=True),
        sa.Column("total_tax", invoicegraph.db.types.ExactDecimal(18, 2), nullable=True),
        sa.Column("total_amount", invoicegraph.db.types.ExactDecimal(18, 2), nullable=True),
        sa.Column("breakdown", sa.JSON(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("is_first", sa.Boolean(), nullable=False),
        sa.Column("previous_issuer_tax_id", sa.String(length=32), nullable=True),
        sa.Column("previous_invoice_number", sa.String(length=64), nullable=True),
        sa.Column("previous_invoice_date", sa.Date(), nullable=True),
        sa.Column("previous_fingerprint", sa.String(length=64), nullable=True),
        sa.Column("generated_at", invoicegraph.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("generated_at_text", sa.String(length=25), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("test_mode", sa.Boolean(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            invoicegraph.db.types.UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["account_id", "invoice_id"],
            ["invoices.account_id", "invoices.id"],
            name=op.f("fk_verifactu_records_account_id_invoice_id_invoices"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_verifactu_records_account_id_accounts"),
            ondelete="CASCADE",
        ),
        *tenant_key("verifactu_records"),
    )
    op.create_index(
        "ix_verifactu_records_account_id_invoice_id",
        "verifactu_records",
        ["account_id", "invoice_id"],
        unique=False,
    )
    op.create_index(
        "uq_verifactu_records_account_id_chain_position",
        "verifactu_records",
        ["account_id", "chain_position"],
        unique=True,
    )
    op.create_index(
        "uq_verifactu_records_account_id_uuid",
        "verifactu_records",
        ["account_id", "uuid"],
        unique=True,
    )
    create_table(
        "invoice_line_taxes",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        tenant_id(),
        sa.Column("line_id", sa.BigInteger(), nullable=False),
        sa.Column("invoice_id", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("tax_id", sa.BigInteger(), nullable=True),
        sa.Column("tax_version_id", sa.BigInteger(), nullable=True),
        sa.Column("tax_version_uuid", sa.String(length=36), nullable=True),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("percentage", invoicegraph.db.types.ExactDecimal(9, 4), nullable=False),
        sa.Column("base", invoicegraph.db.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("total", invoicegraph.db.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("impuesto", sa.String(length=2), nullable=False),
        sa.Column("regime_key", sa.String(length=2), nullable=False),
        sa.Column("qualification", sa.String(length=2), nullable=False),
        sa.Column("exemption_code", sa.String(length=2), nullable=True),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            invoicegraph.db.types.UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["account_id", "line_id"],
            ["invoice_lines.account_id", "invoice_lines.id"],
            name=op.f("fk_invoice_line_taxes_account_id_line_id_invoice_lines"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_invoice_line_taxes_account_id_accounts"),
            ondelete="CASCADE",
        ),
        *tenant_key("invoice_line_taxes"),
    )
    op.create_index(
        "ix_invoice_line_taxes_account_id_invoice_id",
        "invoice_line_taxes",
        ["account_id", "invoice_id"],
        unique=False,
    )
    op.create_index(
        "ix_invoice_line_taxes_account_id_line_id",
        "invoice_line_taxes",
        ["account_id", "line_id"],
        unique=False,
    )
    create_table(
        "quote_line_taxes",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        tenant_id(),
        sa.Column("line_id", sa.BigInteger(), nullable=False),
        sa.Column("quote_id", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("tax_id", sa.BigInteger(), nullable=True),
        sa.Column("tax_version_id", sa.BigInteger(), nullable=True),
        sa.Column("tax_version_uuid", sa.String(length=36), nullable=True),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("percentage", invoicegraph.db.types.ExactDecimal(9, 4), nullable=False),
        sa.Column("base", invoicegraph.db.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("total", invoicegraph.db.types.ExactDecimal(18, 2), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            invoicegraph.db.types.UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["account_id", "line_id"],
            ["quote_lines.account_id", "quote_lines.id"],
            name=op.f("fk_quote_line_taxes_account_id_line_id_quote_lines"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_quote_line_taxes_account_id_accounts"),
            ondelete="CASCADE",
        ),
        *tenant_key("quote_line_taxes"),
    )
    op.create_index(
        "ix_quote_line_taxes_account_id_line_id",
        "quote_line_taxes",
        ["account_id", "line_id"],
        unique=False,
    )
    create_table(
        "verifactu_submissions",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        tenant_id(),
        sa.Column("record_id", sa.BigInteger(), nullable=False),
        sa.Column("invoice_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column(
            "next_attempt_at", invoicegraph.db.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("batch_id", sa.String(length=36), nullable=True),
        sa.Column("sent_at", invoicegraph.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("response_code", sa.String(length=16), nullable=True),
        sa.Column("response_message", sa.Text(), nullable=True),
        sa.Column("csv", sa.String(length=64), nullable=True),
        sa.Column("updated_at", invoicegraph.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            invoicegraph.db.types.UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["account_id", "record_id"],
            ["verifactu_records.account_id", "verifactu_records.id"],
            name=op.f("fk_verifactu_submissions_account_id_record_id_verifactu_records"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_verifactu_submissions_account_id_accounts"),
            ondelete="CASCADE",
        ),
        *tenant_key("verifactu_submissions"),
    )
    op.create_index(
        "ix_verifactu_submissions_account_id_invoice_id",
        "verifactu_submissions",
        ["account_id", "invoice_id"],
        unique=False,
    )
    op.create_index(
        "ix_verifactu_submissions_account_id_status_next",
        "verifactu_submissions",
        ["account_id", "status", "next_attempt_at"],
        unique=False,
    )
    op.create_index(
        "uq_verifactu_submissions_account_id_record_id",
        "verifactu_submissions",
        ["account_id", "record_id"],
        unique=True,
    )

    if _sqlite():
        for statement in APPEND_ONLY_SQLITE:
            op.execute(statement)
    else:
        for statement in APPEND_ONLY_PG:
            op.execute(statement)


def downgrade() -> None:
    if not _sqlite():
        op.execute("DROP TRIGGER verifactu_records_no_truncate ON verifactu_records")
        op.execute("DROP TRIGGER verifactu_records_no_update ON verifactu_records")
        op.execute("DROP FUNCTION verifactu_records_append_only()")
    op.drop_index(
        "uq_verifactu_submissions_account_id_record_id", table_name="verifactu_submissions"
    )
    op.drop_index(
        "ix_verifactu_submissions_account_id_status_next", table_name="verifactu_submissions"
    )
    op.drop_index(
        "ix_verifactu_submissions_account_id_invoice_id", table_name="verifactu_submissions"
    )
    op.drop_table("verifactu_submissions")
    op.drop_index("ix_quote_line_taxes_account_id_line_id", table_name="quote_line_taxes")
    op.drop_table("quote_line_taxes")
    op.drop_index("ix_invoice_line_taxes_account_id_line_id", table_name="invoice_line_taxes")
    op.drop_index("ix_invoice_line_taxes_account_id_invoice_id", table_name="invoice_line_taxes")
    op.drop_table("invoice_line_taxes")
    op.drop_index("uq_verifactu_records_account_id_uuid", table_name="verifactu_records")
    op.drop_index("uq_verifactu_records_account_id_chain_position", table_name="verifactu_records")
    op.drop_index("ix_verifactu_records_account_id_invoice_id", table_name="verifactu_records")
    op.drop_table("verifactu_records")
    op.drop_index("ix_quote_lines_account_id_quote_id", table_name="quote_lines")
    op.drop_table("quote_lines")
    op.drop_index("ix_invoice_lines_account_id_rectifies_line_id", table_name="invoice_lines")
    op.drop_index("ix_invoice_lines_account_id_invoice_id", table_name="invoice_lines")
    op.drop_table("invoice_lines")
    op.drop_index(
        "uq_invoice_documents_account_id_invoice_id_format", table_name="invoice_documents"
    )
    op.drop_table("invoice_documents")
    op.drop_index("uq_tax_versions_account_id_uuid", table_name="tax_versions")
    op.drop_index("ix_tax_versions_account_id_tax_id", table_name="tax_versions")
    op.drop_table("tax_versions")
    op.drop_index("uq_quotes_account_id_uuid", table_name="quotes")
    op.drop_index("ix_quotes_account_id_external_reference", table_name="quotes")
    op.drop_index("ix_quotes_account_id_date_id", table_name="quotes")
    op.drop_table("quotes")
    op.drop_index("uq_invoices_account_id_uuid", table_name="invoices")
    op.drop_index("uq_invoices_account_id_series_id_number", table_name="invoices")
    op.drop_index("ix_invoices_account_id_total_with_taxes", table_name="invoices")
    op.drop_index("ix_invoices_account_id_status_payed_at", table_name="invoices")
    op.drop_index("ix_invoices_account_id_rectifies_invoice_id", table_name="invoices")
    op.drop_index("ix_invoices_account_id_external_reference", table_name="invoices")
    op.drop_index("ix_invoices_account_id_due_date", table_name="invoices")
    op.drop_index("ix_invoices_account_id_date_id", table_name="invoices")
    op.drop_index("ix_invoices_account_id_client_id", table_name="invoices")
    op.drop_table("invoices")
    op.drop_index("uq_taxes_account_id_uuid", table_name="taxes")
    op.drop_table("taxes")
    op.drop_index("uq_series_account_id_uuid", table_name="series")
    op.drop_index("uq_series_account_id_code", table_name="series")
    op.drop_table("series")
    op.drop_index("uq_products_account_id_uuid", table_name="products")
    op.drop_index("ix_products_account_id_sku", table_name="products")
    op.drop_table("products")
    op.drop_index("uq_payment_methods_account_id_uuid", table_name="payment_methods")
    op.drop_table("payment_methods")
    op.drop_index("uq_idempotency_records_account_id_face_key", table_name="idempotency_records")
    op.drop_index("ix_idempotency_records_account_id_expires_at", table_name="idempotency_records")
    op.drop_table("idempotency_records")
    op.drop_index("uq_due_date_terms_account_id_uuid", table_name="due_date_terms")
    op.drop_table("due_date_terms")
    op.drop_index("uq_clients_account_id_uuid", table_name="clients")
    op.drop_index(
        "uq_clients_account_id_tax_id",
        table_name="clients",
        postgresql_where=sa.text("tax_id IS NOT NULL"),
        sqlite_where=sa.text("tax_id IS NOT NULL"),
    )
    op.drop_index("ix_clients_account_id_name", table_name="clients")
    op.drop_table("clients")
    op.drop_index("uq_api_keys_account_id_uuid", table_name="api_keys")
    op.drop_index("uq_api_keys_account_id_secret_hash", table_name="api_keys")
    op.drop_table("api_keys")
    op.drop_table("accounts")
