"""integer ids counted per account for the rows /v1 shows

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03

Clients, taxes, products, series, payment methods, due-date terms, invoices, quotes and invoice
lines (GraphQL's ``rectifiesLineId``) took their ``id`` from one sequence shared by every
tenant: a tenant could count the others' activity from the gaps between its own ids. From
here each account counts its own (``invoicegraph.db.account_ids``): ``account_counters``
starts at each account's highest id, so every existing id stays what it was and new ones
follow it without a gap caused by anyone else. The key was ``(account_id, id)`` already on PostgreSQL (the identity is dropped and a
trigger assigns the id); SQLite had ``id`` as its rowid (unique over all accounts), so each of
these tables is rebuilt with the ``(account_id, id)`` key, its rows, indexes and triggers
kept (``migrate`` runs this with foreign-key enforcement off, and checks them after).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from invoicegraph.db.account_ids import (
    COUNTED_TABLES,
    COUNTERS,
    PG_FUNCTION,
    pg_trigger,
    sqlite_trigger,
)

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _fill_counters() -> None:
    for table in COUNTED_TABLES:
        op.execute(
            f"INSERT INTO {COUNTERS} (account_id, table_name, last_id) "  # noqa: S608 -- constants
            f"SELECT account_id, '{table}', MAX(id) FROM {table} GROUP BY account_id"
        )


def _rebuild_sqlite(table: str) -> None:
    """The table again with ``PRIMARY KEY (account_id, id)`` instead of the rowid ``id``."""
    bind = op.get_bind()
    [create] = bind.execute(
        sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t"), {"t": table}
    ).scalars()
    kept = (
        bind.execute(
            sa.text(
                "SELECT sql FROM sqlite_master WHERE tbl_name = :t AND type IN ('index', 'trigger')"
                " AND sql IS NOT NULL ORDER BY type"
            ),
            {"t": table},
        )
        .scalars()
        .all()
    )
    rowid = "id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT"
    unique = f"CONSTRAINT uq_{table}_account_id_id UNIQUE (account_id, id)"
    if rowid not in create or unique not in create:
        raise RuntimeError(f"{table}: unexpected SQLite schema, not rebuilt")
    rebuilt = (
        create.replace(f"CREATE TABLE {table} (", f"CREATE TABLE _rebuilt_{table} (", 1)
        .replace(rowid, "id BIGINT NOT NULL", 1)
        .replace(unique, f"CONSTRAINT pk_{table} PRIMARY KEY (account_id, id)", 1)
    )
    op.execute(rebuilt)
    op.execute(f"INSERT INTO _rebuilt_{table} SELECT * FROM {table}")  # noqa: S608 -- constants
    op.execute(f"DROP TABLE {table}")
    # other tables' triggers name this one: the legacy rename leaves them as they are (they
    # read the rebuilt table by its name) instead of refusing them while it is missing
    op.execute("PRAGMA legacy_alter_table=ON")
    op.execute(f"ALTER TABLE _rebuilt_{table} RENAME TO {table}")
    op.execute("PRAGMA legacy_alter_table=OFF")
    op.execute(f"DELETE FROM sqlite_sequence WHERE name = '{table}'")  # noqa: S608 -- constants
    for statement in kept:
        op.execute(statement)


def upgrade() -> None:
    op.create_table(
        COUNTERS,
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("table_name", sa.String(length=40), nullable=False),
        sa.Column("last_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=f"fk_{COUNTERS}_account_id_accounts",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", "table_name", name=f"pk_{COUNTERS}"),
    )
    _fill_counters()
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        for table in COUNTED_TABLES:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN id DROP IDENTITY IF EXISTS")
            op.execute(pg_trigger(table))
        return
    if op.get_bind().exec_driver_sql("PRAGMA foreign_keys").scalar():
        # dropping a table with enforcement on would cascade to the rows that point at it
        raise RuntimeError("0006 on SQLite runs with foreign keys off: use `invoicegraph migrate`")
    for table in COUNTED_TABLES:
        _rebuild_sqlite(table)
        op.execute(sqlite_trigger(table))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        # SQLite's ids are unique per account only from 0006 on: its rowid key cannot return
        raise NotImplementedError("SQLite: restore the database file from before 0006")
    for table in COUNTED_TABLES:
        op.execute(f"DROP TRIGGER {table}_account_counted_id ON {table}")
        # ids are unique per account only from here: the identity restarts above them all
        op.execute(f"ALTER TABLE {table} ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY")
        op.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 -- constants
            f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
        )
    op.execute("DROP FUNCTION account_counted_id()")
    op.drop_table(COUNTERS)
