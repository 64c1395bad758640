"""Helpers for tests that need a database of their own (not the shared session one)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from invoicegraph.db.account_ids import COUNTED_TABLES, COUNTERS
from invoicegraph.db.engine import Database, create_database

from ..conftest import create_pg_database, drop_pg_database


@asynccontextmanager
async def fresh_database(engine: str, tmp_path: Path) -> AsyncIterator[Database]:
    """An empty, unmigrated database on ``engine`` ("sqlite" or "postgresql")."""
    if engine == "sqlite":
        db = create_database(f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}")
        try:
            yield db
        finally:
            await db.dispose()
        return
    url = await create_pg_database("ig_fresh")
    db = create_database(url)
    try:
        yield db
    finally:
        await db.dispose()
        await drop_pg_database(url)


async def with_counted_ids(
    session: AsyncSession, table: str, account_id: int, rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Rows for a test's own Core INSERT, each with the next id of its account's counter
    (``invoicegraph.db.account_ids``: SQLite has no trigger to give it)."""
    last = await session.scalar(
        text(
            f"INSERT INTO {COUNTERS} (account_id, table_name, last_id)"
            " VALUES (:account, :table, :n) ON CONFLICT (account_id, table_name)"
            f" DO UPDATE SET last_id = {COUNTERS}.last_id + :n RETURNING last_id"
        ),
        {"account": account_id, "table": table, "n": len(rows)},
    )
    assert last is not None
    for row, new_id in zip(rows, range(last - len(rows) + 1, last + 1), strict=True):
        row["id"] = new_id
    return rows


async def start_ids_at(database: Database, account_id: int, first: int) -> None:
    """The account's next integer ids, of every counted table, from ``first`` on. Ids count per
    account: a test that names one account's ids with another account's key gives the first a
    range of its own, or the numbers would name the caller's own rows (rightly)."""
    async with database.sessions() as session, session.begin():
        for table in COUNTED_TABLES:
            await session.execute(
                text(
                    f"INSERT INTO {COUNTERS} (account_id, table_name, last_id)"
                    " VALUES (:account, :table, :last) ON CONFLICT (account_id, table_name)"
                    f" DO UPDATE SET last_id = MAX({COUNTERS}.last_id, :last)"
                    if database.dialect == "sqlite"
                    else f"INSERT INTO {COUNTERS} (account_id, table_name, last_id)"
                    " VALUES (:account, :table, :last) ON CONFLICT (account_id, table_name)"
                    f" DO UPDATE SET last_id = GREATEST({COUNTERS}.last_id, :last)"
                ),
                {"account": account_id, "table": table, "last": first - 1},
            )
