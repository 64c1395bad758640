"""events outbox, webhook endpoints, deliveries and attempts

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02

``events`` is written in the transaction of each change. On PostgreSQL an insert trigger
NOTIFYs it, so every server process's GraphQL subscriptions hear exactly the committed
events (PostgreSQL holds a NOTIFY until commit and drops it on rollback).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import invoicegraph.db.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

CHANNEL = "invoicegraph_events"

NOTIFY_PG = [
    f"""CREATE FUNCTION events_notify() RETURNS trigger AS $$
    BEGIN
        PERFORM pg_notify('{CHANNEL}', json_build_object(
            'id', NEW.uuid, 'account_id', NEW.account_id, 'type', NEW.type,
            'object_kind', NEW.object_kind, 'object_id', NEW.object_id,
            'object_uuid', NEW.object_uuid)::text);
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER events_notify AFTER INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION events_notify()""",
]


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _id() -> sa.Column:  # type: ignore[type-arg]
    # SQLite cannot autoincrement a composite key: there ``id`` is the rowid alias
    if _sqlite():
        return sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True)
    return sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False)


def _key(table: str) -> list[sa.Constraint]:
    if _sqlite():
        return [sa.UniqueConstraint("account_id", "id", name=f"uq_{table}_account_id_id")]
    return [sa.PrimaryKeyConstraint("account_id", "id", name=f"pk_{table}")]


def _time(name: str, *, nullable: bool) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, invoicegraph.db.types.UTCDateTime(timezone=True), nullable=nullable)


def _tenant(table: str) -> list[sa.schema.SchemaItem]:
    return [
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        _id(),
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
            name=f"fk_{table}_account_id_accounts",
            ondelete="CASCADE",
        ),
        *_key(table),
    ]


def _create(name: str, *items: sa.schema.SchemaItem) -> None:
    op.create_table(name, *items, *_tenant(name), sqlite_autoincrement=True)
    op.create_index(f"uq_{name}_account_id_uuid", name, ["account_id", "uuid"], unique=True)


def upgrade() -> None:
    _create(
        "events",
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("object_kind", sa.String(length=20), nullable=False),
        sa.Column("object_id", sa.BigInteger(), nullable=False),
        sa.Column("object_uuid", sa.Uuid(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        _time("fanned_out_at", nullable=True),
    )
    op.create_index(
        "ix_events_account_id_object", "events", ["account_id", "object_kind", "object_id"]
    )
    op.create_index(
        "ix_events_account_id_unfanned",
        "events",
        ["account_id", "id"],
        postgresql_where=sa.text("fanned_out_at IS NULL"),
        sqlite_where=sa.text("fanned_out_at IS NULL"),
    )
    _create(
        "webhook_endpoints",
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=True),
        sa.Column("secret", sa.String(length=80), nullable=False),
        sa.Column("previous_secret", sa.String(length=80), nullable=True),
        _time("previous_secret_expires_at", nullable=True),
        _time("failing_since", nullable=True),
        sa.Column("disabled_reason", sa.Text(), nullable=True),
        _time("updated_at", nullable=False),
    )
    _create(
        "webhook_deliveries",
        sa.Column("endpoint_id", sa.BigInteger(), nullable=False),
        sa.Column("event_id", sa.BigInteger(), nullable=False),
        sa.Column("object_key", sa.String(length=60), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _time("next_attempt_at", nullable=False),
        _time("first_attempt_at", nullable=True),
        _time("delivered_at", nullable=True),
        sa.Column("last_response_code", sa.Integer(), nullable=True),
        _time("updated_at", nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id", "endpoint_id"],
            ["webhook_endpoints.account_id", "webhook_endpoints.id"],
            name="fk_webhook_deliveries_account_id_endpoint_id_webhook_endpoints",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["account_id", "event_id"],
            ["events.account_id", "events.id"],
            name="fk_webhook_deliveries_account_id_event_id_events",
        ),
    )
    op.create_index(
        "uq_webhook_deliveries_account_id_endpoint_id_event_id",
        "webhook_deliveries",
        ["account_id", "endpoint_id", "event_id"],
        unique=True,
    )
    op.create_index(
        "ix_webhook_deliveries_account_id_endpoint_id_object_key",
        "webhook_deliveries",
        ["account_id", "endpoint_id", "object_key"],
    )
    op.create_index(
        "ix_webhook_deliveries_account_id_due",
        "webhook_deliveries",
        ["account_id", "next_attempt_at"],
        postgresql_where=sa.text("status IN ('pending', 'sending')"),
        sqlite_where=sa.text("status IN ('pending', 'sending')"),
    )
    _create(
        "webhook_attempts",
        sa.Column("delivery_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("response_code", sa.Integer(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("response_excerpt", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id", "delivery_id"],
            ["webhook_deliveries.account_id", "webhook_deliveries.id"],
            name="fk_webhook_attempts_account_id_delivery_id_webhook_deliveries",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_webhook_attempts_account_id_delivery_id",
        "webhook_attempts",
        ["account_id", "delivery_id"],
    )
    if not _sqlite():
        for statement in NOTIFY_PG:
            op.execute(statement)


def downgrade() -> None:
    if not _sqlite():
        op.execute("DROP TRIGGER events_notify ON events")
        op.execute("DROP FUNCTION events_notify()")
    op.drop_table("webhook_attempts")
    op.drop_table("webhook_deliveries")
    op.drop_table("webhook_endpoints")
    op.drop_table("events")
