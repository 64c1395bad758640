"""Helpers for tests that need a database of their own (not the shared session one)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from invoicegraph.db.account_ids import take_ids
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
    connection = await session.connection()
    ids = await connection.run_sync(take_ids, table, account_id, len(rows))
    for row, new_id in zip(rows, ids, strict=True):
        row["id"] = new_id
    return rows
