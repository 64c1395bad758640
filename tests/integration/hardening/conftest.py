"""Clients for the hardening tests (issue 12): the real app in process, with a write key and
a read key of the test account, on both engines."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from invoicegraph.app import create_app
from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account
from invoicegraph.services.api_keys import create_key
from invoicegraph.settings import Settings
from tests.parties import CLIENT_BODY_API


@pytest.fixture
async def http(database: Database) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(rate_limit_per_minute=100_000), database=database)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
        base_url="http://test",
    ) as client:
        yield client


@pytest.fixture
async def read_key(database: Database, account: Account) -> str:
    async with database.sessions() as session:
        return (await create_key(session, account, access="read")).text


def bearer(key: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}", **extra}


async def new_client(http: httpx.AsyncClient, key: str) -> dict[str, Any]:
    created = await http.post(
        "/api/clients", json={"name": "Cliente S.L.", **CLIENT_BODY_API}, headers=bearer(key)
    )
    assert created.status_code == 201, created.text
    body: dict[str, Any] = created.json()
    return body


def api_invoice(client_id: str, **changes: Any) -> dict[str, Any]:
    item = {"description": "Servicio", "quantity": 1, "unit_price": 10, "vat_rate": 21}
    return {"client_id": client_id, "items": [item], **changes}


async def count_invoices(http: httpx.AsyncClient, key: str, reference: str) -> int:
    listed = await http.get(
        "/api/invoices", params={"external_reference": reference}, headers=bearer(key)
    )
    assert listed.status_code == 200, listed.text
    return len(listed.json()["data"])
