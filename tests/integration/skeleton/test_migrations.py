"""Migrations run up on both engines, are idempotent, and build the tenant-keyed schema."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from invoicegraph.db.engine import Database, create_database
from invoicegraph.db.migrate import current_revision, head_revision, migrate
from invoicegraph.db.models import Base

from ..conftest_helpers import fresh_database


async def test_migrations_reach_head_and_are_idempotent(database: Database) -> None:
    await migrate(database)  # a second run changes nothing
    assert await current_revision(database) == head_revision()


async def test_every_table_is_keyed_by_account(database: Database) -> None:
    def _inspect(connection):  # type: ignore[no-untyped-def]
        inspector = inspect(connection)
        return {
            table: (
                inspector.get_pk_constraint(table)["constrained_columns"],
                inspector.get_unique_constraints(table),
                inspector.get_indexes(table),
                [c["name"] for c in inspector.get_columns(table)],
            )
            for table in inspector.get_table_names()
            if table != "alembic_version"
        }

    async with database.engine.connect() as connection:
        tables = await connection.run_sync(_inspect)
    assert set(tables) == set(Base.metadata.tables)
    for table, (pk, uniques, indexes, columns) in tables.items():
        if table == "accounts":
            continue
        assert "account_id" in columns, table
        if database.dialect == "postgresql":
            assert pk == ["account_id", "id"], table
        for unique in uniques:
            assert unique["column_names"][0] == "account_id", (table, unique)
        for index in indexes:
            assert index["column_names"][0] == "account_id", (table, index)


async def test_money_columns_are_exact_not_float(database: Database) -> None:
    async with database.engine.connect() as connection:
        column_types = await connection.run_sync(
            lambda c: {col["name"]: str(col["type"]) for col in inspect(c).get_columns("invoices")}
        )
    if database.dialect == "postgresql":
        assert column_types["total_with_taxes"] == "NUMERIC(18, 2)"
    else:
        assert column_types["total_with_taxes"] == "BIGINT"  # scaled integer cents


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
async def test_migrate_an_empty_database(engine: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    async with fresh_database(engine, tmp_path) as db:
        assert await current_revision(db) is None
        await migrate(db)
        assert await current_revision(db) == head_revision()
        async with db.engine.connect() as connection:
            count = await connection.scalar(text("SELECT count(*) FROM invoices"))
        assert count == 0


async def test_unsupported_database_url_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported DATABASE_URL"):
        create_database("mysql://root@localhost/x")
