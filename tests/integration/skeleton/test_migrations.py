"""Migrations run up on both engines, are idempotent, and build the tenant-keyed schema."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import inspect, text

from invoicegraph.db.account_ids import COUNTED_TABLES, COUNTERS
from invoicegraph.db.engine import Database, create_database
from invoicegraph.db.migrate import current_revision, head_revision, migrate
from invoicegraph.db.models import Base, Client

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
        if table == COUNTERS:
            assert pk == ["account_id", "table_name"]
        elif database.dialect == "postgresql" or table in COUNTED_TABLES:
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


_ACCOUNT = (
    "INSERT INTO accounts (uuid, is_sandbox, name, tax_id, country, plan, verifactu_enabled,"
    " timezone, default_lang, default_currency, updated_at) VALUES (:uuid, false, :name,"
    " :tax_id, 'ES', 'free', false, 'Europe/Madrid', 'es', 'EUR', CURRENT_TIMESTAMP)"
)
_CLIENT = (
    "INSERT INTO clients (account_id, uuid, name, country, updated_at)"
    " VALUES (:account, :uuid, :name, 'ES', CURRENT_TIMESTAMP)"
)


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
async def test_ids_counted_per_account_keep_the_existing_ones(engine: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """0006: the rows of before keep their ids (one sequence for all accounts then), and each
    account's next id follows its own highest, whatever the other accounts hold."""
    async with fresh_database(engine, tmp_path) as db:
        await migrate(db, "0005")
        async with db.engine.begin() as connection:
            accounts = []
            for name in ("A", "B"):
                await connection.execute(
                    text(_ACCOUNT), {"uuid": uuid.uuid4().hex, "name": name, "tax_id": name}
                )
                accounts.append(
                    await connection.scalar(
                        text("SELECT id FROM accounts WHERE name = :n"), {"n": name}
                    )
                )
            # the shared sequence of before: A 1, B 2, A 3
            for owner in (0, 1, 0):
                await connection.execute(
                    text(_CLIENT),
                    {"account": accounts[owner], "uuid": uuid.uuid4().hex, "name": "old"},
                )
        await migrate(db)
        assert await current_revision(db) == head_revision()
        async with db.sessions() as session, session.begin():
            for owner in (0, 1):
                session.add(Client(account_id=accounts[owner], name="new"))
            await session.flush()
        async with db.engine.connect() as connection:
            rows = await connection.execute(
                text("SELECT account_id, id, name FROM clients ORDER BY account_id, id")
            )
            found = [(accounts.index(a), i, n) for a, i, n in rows]
        assert found == [(0, 1, "old"), (0, 3, "old"), (0, 4, "new"), (1, 2, "old"), (1, 3, "new")]


async def test_unsupported_database_url_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported DATABASE_URL"):
        create_database("mysql://root@localhost/x")
