"""Fixtures for the /v1 (Orzame) dialect: the seed's issuer as the account, an HTTP client on
the real app with a real key, and the seed's catalogue (contact, due-date term, payment
method, products) with its ids, so a test reads like the seed document."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from invoicegraph.app import create_app
from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account
from invoicegraph.services.accounts import create_account
from invoicegraph.services.catalog import (
    DueDateTermInput,
    PaymentMethodInput,
    create_due_date_term,
    create_payment_method,
)
from invoicegraph.services.products import ProductInput, create_product
from invoicegraph.settings import Settings
from tests.tax_ids import new_tax_id

BASE_URL = "http://api.test/v1/"
PAYMENT_TEXT = "Bank transfer to account number XXXX-XXXX-XXXX-XXXX-XXXX"


@pytest.fixture
async def account(database: Database) -> Account:
    """The seed's issuer ("Acme Inc. S.A."), with the address its ``issued_by`` shows."""
    async with database.sessions() as session:
        return await create_account(
            session,
            name="Acme Inc. S.A.",
            tax_id=new_tax_id(),
            plan="professional",
            address="Gran Via 1",
            city="Madrid",
            province="Madrid",
            postal_code="28080",
        )


def api(database: Database, key: str) -> httpx.AsyncClient:
    app = create_app(Settings(public_base_url=BASE_URL.removesuffix("/v1/")), database=database)
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url=BASE_URL,
        headers={"Authorization": f"Bearer {key}"},
    )


@pytest.fixture
async def client(database: Database, write_key: str) -> AsyncIterator[httpx.AsyncClient]:
    async with api(database, write_key) as http:
        yield http


@dataclass(frozen=True)
class Seed:
    """Our ids for the seed's: ``taxes`` by name ("IVA (21%)" is the seed's 116, "IRPF
    (-15%)" its 119), the contact (70), the 10-day term (42), the method (58), the products
    (2932 and 2911) and the series F and R."""

    taxes: dict[str, int]
    versions: dict[str, str]
    series: dict[str, int]
    contact_id: int
    due_date_id: int
    payment_method_id: int
    consulting_id: int
    producto_one_id: int

    @property
    def iva21(self) -> int:
        return self.taxes["IVA (21%)"]

    @property
    def irpf15(self) -> int:
        return self.taxes["IRPF (-15%)"]


CONTACT = {
    "name": "Acme S.L.",
    "number": "B87654323",
    "address": "Acme address nº 99",
    "population": "My City",
    "province_state": "My Province",
    "country": "ES",
    "zip": "55555",
}


@pytest.fixture
async def seed(database: Database, account: Account, client: httpx.AsyncClient) -> Seed:
    taxes = (await client.get("taxes")).json()["data"]
    series = (await client.get("series")).json()["data"]
    contact = await client.post("contacts", json=CONTACT)
    assert contact.status_code == 201, contact.text
    async with database.sessions() as session:
        term = await create_due_date_term(
            session, account, DueDateTermInput(name="10 days", days=10)
        )
    async with database.sessions() as session:
        method = await create_payment_method(
            session, account, PaymentMethodInput(name="Transfer", description=PAYMENT_TEXT)
        )
    by_name = {t["name"]: t["id"] for t in taxes}
    products = []
    for name, sku, price, discount, tax in (
        ("Consulting with discount 5%", "CS200010005", "2250", "5", "IVA (21%)"),
        ("Producto one", "IM232323", "2015", "10", "IVA (4%)"),
    ):
        async with database.sessions() as session:
            product = await create_product(
                session,
                account,
                ProductInput(
                    name=name,
                    sku=sku,
                    price=Decimal(price),
                    discount=Decimal(discount),
                    tax_ids=[by_name[tax]],
                ),
            )
        products.append(product.id)
    return Seed(
        taxes=by_name,
        versions={t["name"]: t["version"] for t in taxes},
        series={s["name"]: s["id"] for s in series},
        contact_id=contact.json()["data"]["id"],
        due_date_id=term.id,
        payment_method_id=method.id,
        consulting_id=products[0],
        producto_one_id=products[1],
    )


def seed_payload(seed: Seed, **changes: Any) -> dict[str, Any]:
    """The seed's create payload with our ids (``taxes: [119, 116]``, ``product_id: 2932``)."""
    payload: dict[str, Any] = {
        "name": "Development and services invoice",
        "contact_id": seed.contact_id,
        "due_date_id": seed.due_date_id,
        "payment_method_id": seed.payment_method_id,
        "date": "2024-12-01",
        "lang": "gl",
        "currency": "ARS",
        "date_format": "yyyy-mm-dd",
        "money_format": "symbol_before,none,point",
        "notes": "Automatically created invoice via API",
        "intro_texts": [
            {"label": "Header", "text": "# Invoice \n{document_title}"},
            {
                "label": "subheader",
                "text": "Invoice for development and services developed in the current year",
            },
        ],
        "close_texts": [
            {
                "label": "Thanks",
                "text": "#### Thank you very much for hiring our services.\n\n"
                "Sincerely the ***dev team***.",
            },
            {
                "label": "Link",
                "text": "If you have any questions, [visit our website]"
                "(https://www.orzame.com) for more information.",
            },
        ],
        "lines": [
            {
                "quantity": 1,
                "description": "Development and services",
                "price": 1800,
                "discount": 0,
                "taxes": [seed.irpf15, seed.iva21],
            },
            {"product_id": seed.consulting_id},
        ],
        "template": {
            "id": 3,
            "options": {
                "use_company_color": True,
                "include_texts_before": True,
                "include_texts_after": False,
            },
        },
    }
    payload.update(changes)
    return payload


def today() -> dt.date:
    return dt.datetime.now(ZoneInfo("Europe/Madrid")).date()


async def create(client: httpx.AsyncClient, payload: dict[str, Any]) -> dict[str, Any]:
    response = await client.post("invoices", json=payload)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def issue(
    client: httpx.AsyncClient, seed: Seed, invoice_id: int, **body: Any
) -> dict[str, Any]:
    payload = {"date": today().isoformat(), "serie_id": seed.series["F"], **body}
    response = await client.post(f"invoices/{invoice_id}/issue", json=payload)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def issued_invoice(client: httpx.AsyncClient, seed: Seed, **changes: Any) -> int:
    """A new ordinary invoice issued from the seed's proforma (dated today)."""
    draft = await create(client, seed_payload(seed, date=today().isoformat(), **changes))
    return int((await issue(client, seed, draft["id"]))["issue_invoice_id"])


def errors_of(response: httpx.Response) -> dict[str, list[str]]:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["message"] == "The given data was invalid."
    errors: dict[str, list[str]] = body["errors"]
    return errors
