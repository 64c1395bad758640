"""Shared fixtures: one migrated SQLite and one migrated PostgreSQL database per test session,
a fresh account (tenant) per test so tests never see each other's rows, and keys.

Tests that take ``database`` run on both engines. When PostgreSQL cannot be reached its half
fails under ``CI=true`` and is skipped with the reason otherwise.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from invoicegraph.db.engine import Database, create_database
from invoicegraph.db.migrate import migrate
from invoicegraph.db.models import Account
from invoicegraph.services.accounts import create_account
from invoicegraph.services.api_keys import create_key
from tests.parties import ISSUER_ADDRESS
from tests.tax_ids import new_tax_id

# servers started by tests render PDFs lazily: warming two PDF processes per server start
# would only slow the suite down (the PDF tests warm their own pool)
os.environ.setdefault("PDF_WARM_ON_START", "false")
# servers started by tests (in process or as subprocesses inheriting this environment) do not
# deliver webhooks on their own: the webhook tests run their workers themselves, so what is
# sent and when stays deterministic
os.environ["WEBHOOKS_WORKER_IN_SERVE"] = "false"

TEST_DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
IN_CI = os.environ.get("CI", "").lower() == "true"
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"


def _asyncpg_dsn(url: str, database: str | None = None) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


async def _pg_unreachable_reason() -> str | None:
    try:
        connection = await asyncpg.connect(_asyncpg_dsn(TEST_DATABASE_URL), timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        return f"PostgreSQL at {make_url(TEST_DATABASE_URL).render_as_string()} unreachable: {exc}"
    await connection.close()
    return None


async def create_pg_database(prefix: str = "ig_test") -> str:
    """Create an empty database on the test server and return its SQLAlchemy URL."""
    reason = await _pg_unreachable_reason()
    if reason is not None:
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    connection = await asyncpg.connect(_asyncpg_dsn(TEST_DATABASE_URL))
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)


async def drop_pg_database(url: str) -> None:
    name = make_url(url).database
    connection = await asyncpg.connect(_asyncpg_dsn(TEST_DATABASE_URL))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


@pytest.fixture(scope="session")
async def postgresql_database() -> AsyncIterator[Database]:
    url = await create_pg_database()
    database = create_database(url, pool_size=20)
    await migrate(database)
    yield database
    await database.dispose()
    await drop_pg_database(url)


@pytest.fixture(scope="session")
async def sqlite_database(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Database]:
    path = tmp_path_factory.mktemp("sqlite") / "invoicegraph.db"
    database = create_database(f"sqlite+aiosqlite:///{path}")
    await migrate(database)
    yield database
    await database.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest) -> Database:
    """The test runs once on each engine."""
    db = request.getfixturevalue(f"{request.param}_database")
    assert isinstance(db, Database)
    return db


@pytest.fixture
async def account(database: Database) -> Account:
    """A fresh live account with the standard catalogue: every test is its own tenant."""
    async with database.sessions() as session:
        return await create_account(
            session,
            **ISSUER_ADDRESS,
            name="Acme Inc. S.A.",
            tax_id=new_tax_id(),
            plan="professional",
        )


@pytest.fixture
async def other_account(database: Database) -> Account:
    async with database.sessions() as session:
        return await create_account(
            session, **ISSUER_ADDRESS, name="Other S.L.", tax_id=new_tax_id()
        )


@pytest.fixture
async def write_key(database: Database, account: Account) -> str:
    async with database.sessions() as session:
        return (await create_key(session, account, access="write")).text


@pytest.fixture
def artifacts_dir() -> Iterator[Path]:
    ARTIFACTS.mkdir(exist_ok=True)
    yield ARTIFACTS
