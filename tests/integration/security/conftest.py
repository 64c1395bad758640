"""One world for the security tests, built once per package on PostgreSQL: two live accounts
with one object of every kind each, the keys of every case of the matrix, and the app.

The matrix sends requests that must all be refused, so the world does not change under it;
the tests that do write (injection probes) create their own objects.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from starlette.applications import Starlette

from invoicegraph.app import create_app
from invoicegraph.db.engine import Database
from invoicegraph.db.models import (
    Account,
    ApiKey,
    Event,
    WebhookDelivery,
)
from invoicegraph.services.accounts import create_account
from invoicegraph.services.api_keys import create_key, revoke_key
from invoicegraph.services.catalog import (
    DueDateTermInput,
    PaymentMethodInput,
    SeriesInput,
    create_due_date_term,
    create_payment_method,
    create_series,
)
from invoicegraph.services.clients import ClientInput, create_client
from invoicegraph.services.invoices import InvoiceData, create_draft, issue_invoice
from invoicegraph.services.lines import LineData
from invoicegraph.services.products import ProductInput, create_product
from invoicegraph.services.quotes import QuoteData, create_quote
from invoicegraph.services.taxes import TaxInput, create_tax
from invoicegraph.services.webhook_endpoints import EndpointInput, create_endpoint
from invoicegraph.settings import Settings
from tests.parties import CLIENT_ADDRESS, ISSUER_ADDRESS
from tests.tax_ids import new_tax_id

from ..conftest_helpers import start_ids_at

# what a response must never show, whatever was sent
LEAKS = ("Traceback", "sqlalchemy", "asyncpg", "psycopg", "sqlite3", 'File "', "SELECT ")
TODAY = dt.date.today().isoformat()
# the wrong callers of the matrix; the last two name someone else's objects; "write key" is
# wrong only where an admin key is needed
CASES = (
    "no key",
    "malformed key",
    "revoked key",
    "read key",
    "write key",
    "another account's ids",
    "test key on live ids",
)
FOREIGN_CASES = CASES[-2:]
ADMIN_CASES = ("write key",)


@dataclass
class Objects:
    """One object of every kind in an account: ``ints`` for /v1, ``uuids`` for /api and
    GraphQL."""

    ints: dict[str, int] = field(default_factory=dict)
    uuids: dict[str, uuid.UUID] = field(default_factory=dict)

    def add(self, kind: str, row: Any) -> None:
        self.ints[kind] = row.id
        self.uuids[kind] = row.uuid


@dataclass
class World:
    database: Database
    app: Starlette
    mine: Account
    other: Account
    keys: dict[str, str]  # write admin read revoked test_write test_admin other_admin spare
    my_objects: Objects
    other_objects: Objects


async def _objects(database: Database, account: Account, key: ApiKey, first_id: int) -> Objects:
    """The account's objects, with integer ids from ``first_id`` on: ids are counted per
    account, and the matrix's wrong callers (another account, the sandbox) must not hold rows
    of the same numbers, or naming those ids would find their own rows, rightly."""
    found = Objects()
    await start_ids_at(database, account.id, first_id)
    async with database.sessions() as session:
        client = await create_client(
            session,
            account,
            ClientInput(**CLIENT_ADDRESS, name="Cliente Matriz S.L.", tax_id="B12345674"),
        )
    found.add("client", client)
    line = LineData(
        description="Servicio", quantity=Decimal(1), price=Decimal(10), vat_rate=Decimal(21)
    )
    for kind in ("invoice", "draft"):
        async with database.sessions() as session:
            invoice = await create_draft(
                session, account, InvoiceData(client=client.id, lines=[line])
            )
        if kind == "invoice":
            async with database.sessions() as session:
                invoice = await issue_invoice(session, account, invoice.id)
        found.add(kind, invoice)
    async with database.sessions() as session:
        found.add("quote", await create_quote(session, account, QuoteData(client=client.id)))
    async with database.sessions() as session:
        product = await create_product(
            session, account, ProductInput(name="Producto", price=Decimal(5))
        )
    found.add("product", product)
    async with database.sessions() as session:
        hook = await create_endpoint(
            session,
            account,
            EndpointInput(url="https://93.184.215.14/hooks/matrix", events=["invoice.issued"]),
            allow_private=False,
        )
    found.add("webhook_endpoint", hook.endpoint)
    async with database.sessions() as session, session.begin():
        event = await session.scalar(
            select(Event).where(Event.account_id == account.id).order_by(Event.id).limit(1)
        )
        assert event is not None  # the client's creation recorded one
        delivery = WebhookDelivery(
            account_id=account.id,
            endpoint_id=hook.endpoint.id,
            event_id=event.id,
            object_key=str(event.object_uuid),
            status="failed",  # settled: no worker would take it up
        )
        session.add(delivery)
        await session.flush()
    found.add("webhook_delivery", delivery)
    async with database.sessions() as session:
        tax = await create_tax(
            session, account, TaxInput(kind="vat", name="IVA matriz", percentage=Decimal(10))
        )
    found.add("tax", tax.tax)
    async with database.sessions() as session:
        found.add("series", await create_series(session, account, SeriesInput(code="MX")))
    async with database.sessions() as session:
        found.add(
            "payment_method",
            await create_payment_method(session, account, PaymentMethodInput(name="Transfer")),
        )
    async with database.sessions() as session:
        found.add(
            "due_date_term",
            await create_due_date_term(session, account, DueDateTermInput(name="Net 7", days=7)),
        )
    found.add("api_key", key)
    return found


@pytest.fixture(scope="package")
async def world(postgresql_database: Database) -> AsyncIterator[World]:
    database = postgresql_database
    async with database.sessions() as session:
        mine = await create_account(
            session, **ISSUER_ADDRESS, name="Matriz S.A.", tax_id=new_tax_id(), plan="professional"
        )
    async with database.sessions() as session:
        other = await create_account(
            session, **ISSUER_ADDRESS, name="Ajena S.L.", tax_id=new_tax_id(), plan="professional"
        )
    keys: dict[str, str] = {}
    rows: dict[str, ApiKey] = {}
    for name, owner, access, mode in (
        ("write", mine, "write", "live"),
        ("admin", mine, "admin", "live"),
        ("read", mine, "read", "live"),
        ("revoked", mine, "write", "live"),
        ("test_write", mine, "write", "test"),
        ("test_admin", mine, "admin", "test"),
        ("other_admin", other, "admin", "live"),
        ("spare", mine, "read", "live"),  # the api key the matrix names as my object
    ):
        async with database.sessions() as session:
            created = await create_key(session, owner, access=access, mode=mode)
        keys[name], rows[name] = created.text, created.key
    async with database.sessions() as session:
        await revoke_key(session, mine, rows["revoked"].uuid)
    app = create_app(Settings(rate_limit_per_minute=0), database=database)
    yield World(
        database=database,
        app=app,
        mine=mine,
        other=other,
        keys=keys,
        my_objects=await _objects(database, mine, rows["spare"], 2001),
        other_objects=await _objects(database, other, rows["other_admin"], 1001),
    )


@dataclass
class Prober:
    """An account of its own (the probes create rows), its write key and its objects."""

    world: World
    key: str
    objects: Objects


@pytest.fixture(scope="module")
async def prober(world: World) -> Prober:
    async with world.database.sessions() as session:
        account = await create_account(
            session, **ISSUER_ADDRESS, name="Sondas S.L.", tax_id=new_tax_id(), plan="professional"
        )
    async with world.database.sessions() as session:
        created = await create_key(session, account, access="write")
    objects = await _objects(world.database, account, created.key, 3001)
    return Prober(world, created.text, objects)


@pytest.fixture
async def http(world: World) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=world.app, raise_app_exceptions=False),
        base_url="http://security.test",
    ) as client:
        yield client


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


DOCUMENT_MEDIA_TYPES = (
    "application/json",
    "application/pdf",
    "application/xml",
    "text/csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)


def assert_clean(response: httpx.Response) -> None:
    """Never a 5xx, never a traceback or SQL, always JSON (or a document we asked for: a PDF,
    an e-invoice, an export's CSV or XLSX)."""
    assert response.status_code < 500, (response.status_code, response.text[:500])
    media = response.headers.get("content-type", "")
    assert media.startswith(DOCUMENT_MEDIA_TYPES), media
    if media.startswith("application/json"):
        for leak in LEAKS:
            assert leak not in response.text, (leak, response.text[:500])


def matrix(
    items: list[Any],
    name: Callable[[Any], str],
    names_objects: Callable[[Any], bool],
    known_bugs: dict[tuple[str, str], str],
    needs_admin: Callable[[Any], bool] = lambda item: False,
) -> list[Any]:
    """``items`` × ``CASES`` as pytest params. The cases about someone else's objects only
    for the items that name objects, the write key only for those that need an admin key; a
    known bug is a strict xfail, so that the test says when it is fixed."""
    params = []
    for item in items:
        for case in CASES:
            if case in FOREIGN_CASES and not names_objects(item):
                continue
            if case in ADMIN_CASES and not needs_admin(item):
                continue
            bug = known_bugs.get((name(item), case))
            marks = [pytest.mark.xfail(strict=True, reason=bug)] if bug else []
            params.append(pytest.param(item, case, marks=marks, id=f"{name(item)} | {case}"))
    return params
