"""An HTTP client on the app (in process, through ASGI) with a real key of the test account."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from invoicegraph.app import create_app
from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account
from invoicegraph.services.api_keys import create_key
from invoicegraph.settings import Settings

from .spec import check_against_spec


@pytest.fixture
async def http(database: Database) -> AsyncIterator[httpx.AsyncClient]:
    """An anonymous client; pass ``headers=auth(key)`` or use ``api``."""
    app = create_app(Settings(), database=database)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://test/api",
        event_hooks={"response": [check_against_spec]},
    ) as client:
        yield client


@pytest.fixture
async def api(http: httpx.AsyncClient, write_key: str) -> httpx.AsyncClient:
    """The client of the seed: every request carries ``Authorization: Bearer fv_live_…``."""
    http.headers["Authorization"] = f"Bearer {write_key}"
    return http


@pytest.fixture
async def read_key(database: Database, account: Account) -> str:
    async with database.sessions() as session:
        return (await create_key(session, account, access="read")).text


@pytest.fixture
async def other_key(database: Database, other_account: Account) -> str:
    async with database.sessions() as session:
        return (await create_key(session, other_account, access="write")).text
