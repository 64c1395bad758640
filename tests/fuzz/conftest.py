"""The red team kept in CI (issue 12): fuzzers over the route table and the GraphQL schema,
on PostgreSQL (where a NUL byte cannot be stored). ``FUZZ_EXAMPLES`` sets how many requests
each fuzzer sends: a few hundred in ``make test``, thousands under ``make soak``."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import httpx
import pytest

from invoicegraph.app import create_app
from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account
from invoicegraph.services.accounts import create_account
from invoicegraph.services.api_keys import create_key
from invoicegraph.settings import Settings
from tests.parties import ISSUER_ADDRESS
from tests.tax_ids import new_tax_id

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "150"))
SEED = int(os.environ.get("FUZZ_SEED", "20261202"))
# what an answer must never show
LEAKS = ("Traceback", "sqlalchemy", "asyncpg", "psycopg", 'File "', "SELECT ")


@pytest.fixture
async def pg_account(postgresql_database: Database) -> Account:
    async with postgresql_database.sessions() as session:
        return await create_account(
            session, **ISSUER_ADDRESS, name="Fuzz S.L.", tax_id=new_tax_id(), plan="professional"
        )


@pytest.fixture
async def fuzz_key(postgresql_database: Database, pg_account: Account) -> str:
    async with postgresql_database.sessions() as session:
        return (await create_key(session, pg_account, access="write")).text


@pytest.fixture
async def http(postgresql_database: Database, fuzz_key: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(rate_limit_per_minute=0), database=postgresql_database)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
        base_url="http://fuzz",
        headers={"Authorization": f"Bearer {fuzz_key}"},
        timeout=60,
    ) as client:
        yield client


def assert_sound(response: httpx.Response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code} {response.text[:400]}"
    for leak in LEAKS:
        assert leak not in response.text, f"{what}: the answer shows {leak!r}"
