"""A checked key is trusted for ``AUTH_CACHE_SECONDS`` without a query; a revocation takes
effect at once in the process that revokes, and within that time everywhere else."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import text

from invoicegraph.app import create_app
from invoicegraph.db.engine import Database, create_database
from invoicegraph.db.models import Account
from invoicegraph.services import api_keys
from invoicegraph.services.api_keys import revoke_key
from invoicegraph.settings import Settings
from tests.integration.roundtrips.test_write_statements import count_statements

SHORT_TTL = 0.5
EPSILON = 0.3


@pytest.fixture
async def http(database: Database) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(rate_limit_per_minute=100_000), database=database)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        yield client


async def _status(http: httpx.AsyncClient, key: str) -> int:
    response = await http.get("/v1/info", headers={"Authorization": f"Bearer {key}"})
    return response.status_code


async def test_a_checked_key_costs_no_query_on_the_next_request(
    http: httpx.AsyncClient, database: Database, write_key: str
) -> None:
    assert await _status(http, write_key) == 200
    with count_statements(database) as statements:
        assert await _status(http, write_key) == 200
    assert not [s for s in statements if "api_keys" in s], statements


async def test_a_key_revoked_in_this_process_is_refused_at_once(
    http: httpx.AsyncClient, database: Database, account: Account, write_key: str
) -> None:
    assert await _status(http, write_key) == 200
    async with database.sessions() as session:
        (key,) = await api_keys.list_keys(session, account)
    async with database.sessions() as session:
        await revoke_key(session, account, key.uuid)
    assert await _status(http, write_key) == 401


async def test_a_key_revoked_elsewhere_is_refused_within_the_ttl(
    http: httpx.AsyncClient,
    database: Database,
    account: Account,
    write_key: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another worker or the CLI revokes: this process learns it when its entry expires."""
    monkeypatch.setattr(api_keys, "AUTH_CACHE_SECONDS", SHORT_TTL)
    api_keys.forget_checked_keys()
    assert await _status(http, write_key) == 200
    # another process: its own engine, a plain SQL statement this process's ORM never sees
    elsewhere = create_database(database.engine.url.render_as_string(hide_password=False))
    try:
        async with elsewhere.engine.begin() as connection:
            await connection.execute(
                text("UPDATE api_keys SET revoked_at = CURRENT_TIMESTAMP WHERE account_id = :a"),
                {"a": account.id},
            )
    finally:
        await elsewhere.dispose()
    revoked_at = time.monotonic()
    while await _status(http, write_key) == 200:
        assert time.monotonic() - revoked_at < SHORT_TTL + EPSILON, "still accepted past the TTL"
        await asyncio.sleep(0.05)
    assert await _status(http, write_key) == 401


async def test_a_wrong_key_is_never_cached(
    http: httpx.AsyncClient, database: Database, write_key: str
) -> None:
    wrong = write_key[:-4] + ("aaaa" if not write_key.endswith("aaaa") else "bbbb")
    assert await _status(http, wrong) == 401
    with count_statements(database) as statements:
        assert await _status(http, wrong) == 401
    assert [s for s in statements if "api_keys" in s], statements
