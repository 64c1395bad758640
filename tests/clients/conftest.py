"""A live server in its own process (uvicorn, as in production) and the standard clients'
node_modules, for tests that drive the API with real client libraries.

``live_api`` runs ``uvicorn --factory invoicegraph.app:create_app`` on a free port against a
freshly migrated database of its engine, with two tenants each holding a write key.
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from invoicegraph.db.engine import create_database
from invoicegraph.db.migrate import migrate
from invoicegraph.db.models import Account
from invoicegraph.services.accounts import create_account
from invoicegraph.services.api_keys import create_key, revoke_key
from tests.parties import ISSUER_ADDRESS

from ..conftest import IN_CI, create_pg_database, drop_pg_database

CLIENTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = CLIENTS_DIR.parents[1]
SERVER_START_TIMEOUT_S = 120.0  # a loaded 2-core machine imports the app slowly
_DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def unique_tax_id() -> str:
    """A valid Spanish DNI nobody else in the database has: a live tax id is unique."""
    number = random.randrange(10_000_000, 99_999_999)
    return f"{number}{_DNI_LETTERS[number % 23]}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@dataclass(frozen=True)
class Tenant:
    account_id: int
    key: str
    key_uuid: uuid.UUID


@dataclass(frozen=True)
class LiveApi:
    engine: str
    base_url: str
    database_url: str

    @property
    def ws_url(self) -> str:
        return self.base_url.replace("http://", "ws://", 1) + "/graphql"


async def make_tenant(database_url: str, name: str) -> Tenant:
    """A new account (tenant) with a write key."""
    database = create_database(database_url)
    try:
        async with database.sessions() as session:
            account = await create_account(
                session, **ISSUER_ADDRESS, name=name, tax_id=unique_tax_id(), plan="professional"
            )
        async with database.sessions() as session:
            created = await create_key(session, account, access="write")
        return Tenant(account_id=account.id, key=created.text, key_uuid=created.key.uuid)
    finally:
        await database.dispose()


async def another_key(database_url: str, tenant: Tenant) -> Tenant:
    """The same tenant with a second write key."""
    database = create_database(database_url)
    try:
        async with database.sessions() as session:
            account = await session.get(Account, tenant.account_id)
        assert account is not None
        async with database.sessions() as session:
            created = await create_key(session, account, access="write")
        return Tenant(account_id=account.id, key=created.text, key_uuid=created.key.uuid)
    finally:
        await database.dispose()


async def revoke(database_url: str, tenant: Tenant) -> None:
    """Revoke the tenant's key as another process would (the CLI, another instance)."""
    database = create_database(database_url)
    try:
        async with database.sessions() as session:
            account = await session.get(Account, tenant.account_id)
        assert account is not None
        async with database.sessions() as session:
            await revoke_key(session, account, tenant.key_uuid)
    finally:
        await database.dispose()


CLIENT = """mutation($input: ClientInput!) {
  findOrCreateClient(input: $input) { client { id } errors { field message } } }"""
CREATE = """mutation($input: InvoiceInput!) {
  createInvoice(input: $input) { invoice { id uuid } errors { field message } } }"""
ISSUE = """mutation($id: ID!) {
  issueInvoice(id: $id) { invoice { uuid status } errors { field message } } }"""
RECIPIENT = {
    "name": "Talleres García S.L.",
    "taxId": "B12345674",
    "address": "Calle Mayor 1",
    "city": "Madrid",
    "province": "Madrid",
    "postalCode": "28013",
    "country": "ES",
}


async def graphql(base_url: str, key: str, query: str, variables: dict[str, Any]) -> Any:
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
        response = await http.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {key}"},
        )
    body = response.json()
    assert "errors" not in body, body
    [payload] = body["data"].values()
    assert payload["errors"] == [], payload
    return payload


async def create_invoice(base_url: str, key: str) -> dict[str, str]:
    """A draft with a complete recipient, ready to issue: ``{"id", "uuid"}``."""
    found = await graphql(base_url, key, CLIENT, {"input": RECIPIENT})
    line = {"description": "Suscripción", "quantity": "1", "price": "10.00", "vatRate": "21"}
    created = await graphql(
        base_url, key, CREATE, {"input": {"clientId": found["client"]["id"], "lines": [line]}}
    )
    invoice: dict[str, str] = created["invoice"]
    return invoice


async def create_draft(base_url: str, key: str) -> str:
    """A bare draft (no recipient); its uuid."""
    line = {"description": "Calentamiento", "quantity": "1", "price": "1.00", "vatRate": "21"}
    created = await graphql(base_url, key, CREATE, {"input": {"lines": [line]}})
    uuid_text: str = created["invoice"]["uuid"]
    return uuid_text


async def until_live(base_url: str, key: str, events: list[dict[str, Any]]) -> set[str]:
    """Create warm-up drafts until one's event shows up in ``events``: the subscription is
    live then (the protocol has no message saying the server's resolver is listening).
    Returns the warm-ups' uuids."""
    warmups: set[str] = set()
    for _attempt in range(30):
        warmups.add(await create_draft(base_url, key))
        for _tick in range(10):
            if events:
                return warmups
            await asyncio.sleep(0.05)
    raise AssertionError("the subscription received no event within ~15 s")


async def issue_invoice(base_url: str, key: str, invoice_id: str) -> None:
    await graphql(base_url, key, ISSUE, {"id": invoice_id})


async def _migrated(database_url: str) -> None:
    database = create_database(database_url)
    try:
        await migrate(database)
    finally:
        await database.dispose()


@contextmanager
def serve(database_url: str, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """Run the app under uvicorn in a child process; yield its base URL."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "RATE_LIMIT_PER_MINUTE": "100000",
        "PDF_WARM_ON_START": "false",
        **(extra_env or {}),
    }
    for _attempt in range(3):  # another process may take the free port before uvicorn binds it
        port = free_port()
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "invoicegraph.app:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            cwd=REPO_ROOT,
            env=env,
        )
        base_url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while process.poll() is None and time.monotonic() < deadline:
            try:
                if httpx.get(f"{base_url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            exited = process.poll() is not None
            process.kill()
            process.wait()
            if exited:  # most likely the port was taken meanwhile: another one
                continue
            pytest.fail(f"uvicorn did not answer /health within {SERVER_START_TIMEOUT_S}s")
        try:
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        return
    pytest.fail("the uvicorn server did not start (see its output above)")


@pytest.fixture(scope="session", params=["postgresql", "sqlite"])
async def live_api(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[LiveApi]:
    """The real app in its own uvicorn process, once per engine and session."""
    engine = request.param
    if engine == "postgresql":
        url = await create_pg_database("ig_clients")
    else:
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('clients') / 'app.db'}"
    try:
        await _migrated(url)
        with serve(url) as base_url:
            yield LiveApi(engine=engine, base_url=base_url, database_url=url)
    finally:
        if engine == "postgresql":
            await drop_pg_database(url)


@pytest.fixture(scope="session")
def node_clients() -> Path:
    """tests/clients/node_modules, installed with ``npm ci`` (skipped while the lockfile's
    hash is unchanged)."""
    script = CLIENTS_DIR.parent.parent / "scripts" / "npm_ci_cached.sh"
    proc = subprocess.run(
        ["bash", str(script), str(CLIENTS_DIR)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if proc.returncode != 0:
        message = f"{script.name} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
        if IN_CI or "not found" not in proc.stderr:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return CLIENTS_DIR / "node_modules"
