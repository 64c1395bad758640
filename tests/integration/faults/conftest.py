"""Fixtures for the fault tests: a PostgreSQL database of the module's own (servers run on
it as separate processes), accounts with and without VERI*FACTU, and their keys."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import pytest

from invoicegraph.db.engine import Database, create_database
from invoicegraph.db.migrate import migrate
from invoicegraph.db.models import Account
from invoicegraph.services.accounts import create_account
from invoicegraph.services.api_keys import create_key
from invoicegraph.services.clients import ClientInput, create_client
from invoicegraph.settings import get_settings
from tests.parties import CLIENT_ADDRESS, ISSUER_ADDRESS
from tests.tax_ids import new_tax_id

from ...conftest import create_pg_database, drop_pg_database
from .server import PRODUCER


@dataclass(frozen=True)
class Tenant:
    account: Account
    key: str
    client_uuid: str


@dataclass(frozen=True)
class FaultDatabase:
    url: str
    database: Database


@pytest.fixture(autouse=True)
def producer_configured(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """In-process issuing on a VERI*FACTU account names the producer, as the servers do."""
    for name, value in PRODUCER.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(scope="module")
async def fault_db() -> AsyncIterator[FaultDatabase]:
    url = await create_pg_database("ig_faults")
    database = create_database(url, pool_size=4)
    await migrate(database)
    yield FaultDatabase(url, database)
    await database.dispose()
    await drop_pg_database(url)


async def make_tenant(database: Database, *, verifactu: bool) -> Tenant:
    async with database.sessions() as session:
        account = await create_account(
            session,
            **ISSUER_ADDRESS,
            name="Taller Verifactu S.L." if verifactu else "Taller S.L.",
            tax_id=new_tax_id(),
            plan="professional",
            verifactu=verifactu,
        )
    async with database.sessions() as session:
        key = (await create_key(session, account, access="write")).text
    async with database.sessions() as session:
        client = await create_client(
            session, account, ClientInput(**CLIENT_ADDRESS, name="Cliente S.L.", tax_id="B27346063")
        )
    return Tenant(account, key, str(client.uuid))


def invoice_body(tenant: Tenant, n: int) -> dict[str, object]:
    """Two lines with different rates, so that totals are a sum worth checking."""
    return {
        "client_id": tenant.client_uuid,
        "items": [
            {
                "description": f"Revisión {n}",
                "quantity": 1 + n % 3,
                "unit_price": 49.95,
                "vat_rate": 21,
            },
            {"description": f"Libro {n}", "quantity": 2, "unit_price": 12.5, "vat_rate": 4},
        ],
    }
