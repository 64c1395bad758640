"""No pre-ping: a pooled connection the server has closed is found at checkout, without a
round trip, and replaced; the request that checks it out does not notice."""

from __future__ import annotations

import asyncio

import asyncpg
from sqlalchemy import text

from invoicegraph.db.engine import Database, create_database
from tests.conftest import _asyncpg_dsn


async def _backend_pid(database: Database) -> int:
    async with database.sessions() as session, session.begin():
        return int((await session.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def test_a_terminated_pooled_connection_is_replaced_on_checkout(
    postgresql_database: Database,
) -> None:
    url = postgresql_database.engine.url.render_as_string(hide_password=False)
    database = create_database(url, pool_size=1)
    try:
        first = await _backend_pid(database)
        killer = await asyncpg.connect(_asyncpg_dsn(url))
        try:
            assert await killer.fetchval("SELECT pg_terminate_backend($1)", first)
        finally:
            await killer.close()
        await asyncio.sleep(0.2)  # the server's goodbye reaches the pooled connection
        second = await _backend_pid(database)
        assert second != first
    finally:
        await database.dispose()
