"""Fixtures of the outside judges: the Node tools of ``package.json`` (``npm ci`` in
``build/contract``, reused while the lockfile hash is unchanged), and one live server per
session on PostgreSQL with the catalogue the seeds' flows name (a contact, a due-date term, a
payment method; taxes and series are every account's defaults)."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from invoicegraph.app import create_app
from invoicegraph.db.engine import Database, create_database
from invoicegraph.services.accounts import create_account
from invoicegraph.services.api_keys import create_key
from invoicegraph.services.catalog import (
    DueDateTermInput,
    PaymentMethodInput,
    create_due_date_term,
    create_payment_method,
)
from invoicegraph.services.clients import ClientInput, create_client
from invoicegraph.settings import Settings

from ..browser.conftest import REPO_ROOT, run_live_server

HERE = Path(__file__).resolve().parent
TOOLS = REPO_ROOT / "build" / "contract"
NPM_CI = REPO_ROOT / "scripts" / "npm_ci_cached.sh"


@pytest.fixture(scope="session")
def node_tools() -> Path:
    """``node_modules/.bin`` of the judges, installed exactly as the lockfile pins them.

    Each xdist worker has its own session, so the install goes through the flock'd
    ``scripts/npm_ci_cached.sh``: a second worker waits for the first instead of wiping the
    ``node_modules`` the first is running redocly from."""
    if shutil.which("npm") is None:
        pytest.fail("npm not found: the contract judges need Node.js (scripts/setup-system.sh)")
    TOOLS.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        source, target = HERE / name, TOOLS / name
        if not target.exists() or target.read_bytes() != source.read_bytes():
            partial = target.with_name(f".{name}.{os.getpid()}")
            shutil.copy(source, partial)
            partial.replace(target)  # atomic: a concurrent reader sees one whole file
    subprocess.run([str(NPM_CI), str(TOOLS)], check=True, timeout=900)
    return TOOLS / "node_modules" / ".bin"


async def _seed(url: str) -> dict[str, Any]:
    database = create_database(url)
    try:
        async with database.sessions() as session:
            account = await create_account(
                session, name="Acme Inc. S.A.", tax_id="B12345674", plan="professional",
                address="Gran Via 1", city="Madrid", province="Madrid", postal_code="28080",
            )  # fmt: skip
        async with database.sessions() as session:
            contact = await create_client(
                session, account, ClientInput(
                    name="Acme S.L.", tax_id="B87654323", address="Acme address nº 99",
                    city="My City", province="My Province", postal_code="55555",
                ),
            )  # fmt: skip
        async with database.sessions() as session:
            term = await create_due_date_term(
                session, account, DueDateTermInput(name="10 days", days=10)
            )
        async with database.sessions() as session:
            method = await create_payment_method(
                session, account, PaymentMethodInput(name="Transfer", description="IBAN ES00")
            )
        async with database.sessions() as session:
            key = (await create_key(session, account, access="write")).text
        return {"key": key, "contact_id": contact.id, "due_date_id": term.id,
                "payment_method_id": method.id}  # fmt: skip
    finally:
        await database.dispose()


@pytest.fixture(scope="session")
def live(postgresql_database: Database) -> Iterator[dict[str, Any]]:
    """``base_url``, ``key`` and the seed's ids, on a server with its own loop and engine."""
    url = postgresql_database.engine.url.render_as_string(hide_password=False)
    seed = asyncio.run(_seed(url))
    app = create_app(Settings(database_url=url, rate_limit_per_minute=1_000_000))
    with run_live_server(app) as base_url:
        yield {**seed, "base_url": base_url}


@pytest.fixture(scope="session")
def live_document(live: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The document as the live server serves it, in a file for the tools."""
    path = tmp_path_factory.mktemp("contract") / "openapi.json"
    document = httpx.get(f"{live['base_url']}/openapi.json", timeout=30).json()
    path.write_text(json.dumps(document, indent=2))
    return path
