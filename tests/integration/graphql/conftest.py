"""A GraphQL client over the real app (ASGI transport), authenticated with a real key."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest

from invoicegraph.app import create_app
from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account
from invoicegraph.services.api_keys import create_key
from invoicegraph.settings import Settings

GQL = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture
async def http(database: Database) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(rate_limit_per_minute=100_000), database=database)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        yield client


async def make_key(
    database: Database, account: Account, access: str = "write", mode: str = "live"
) -> str:
    async with database.sessions() as session:
        return (await create_key(session, account, access=access, mode=mode)).text


@pytest.fixture
def gql(http: httpx.AsyncClient, write_key: str) -> GQL:
    async def run(
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        key: str | None = None,
        headers: dict[str, str] | None = None,
        expect_errors: bool = False,
    ) -> dict[str, Any]:
        sent = {"Authorization": f"Bearer {key or write_key}", **(headers or {})}
        response = await http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=sent
        )
        assert response.status_code in (200, 401, 409, 422), response.text
        body: dict[str, Any] = response.json()
        if not expect_errors:
            assert "errors" not in body, body["errors"]
        return body

    return run
