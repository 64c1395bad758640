"""Helpers for tests that need a database of their own (not the shared session one)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

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
