"""Fixtures for the invoice service tests: the account's catalogue by name, a client and the
Orzame seed's product, so a test reads like the API's documentation."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlalchemy import select

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account, DueDateTerm, PaymentMethod, Series, Tax
from invoicegraph.services.clients import ClientInput, create_client
from invoicegraph.services.products import ProductInput, create_product


@dataclass(frozen=True)
class Catalogue:
    """Plain ids of one account's catalogue (never ORM objects: sessions come and go)."""

    taxes: dict[str, int]  # by name: "IVA (21%)", "IRPF (-15%)", …
    series: dict[str, int]  # by code: "F", "R"
    client_id: int
    client_uuid: uuid.UUID
    product_id: int
    term_id: int
    term_days: int
    payment_method_id: int


async def load_catalogue(database: Database, account: Account) -> Catalogue:
    async with database.sessions() as session:
        client = await create_client(
            session,
            account,
            ClientInput(
                name="Acme S.L.",
                tax_id="B87654323",
                address="Acme address nº 99",
                city="My City",
                province="My Province",
                postal_code="55555",
            ),
        )
    async with database.sessions() as session, session.begin():
        taxes = {
            t.name: t.id
            for t in await session.scalars(select(Tax).where(Tax.account_id == account.id))
        }
        series = {
            s.code: s.id
            for s in await session.scalars(select(Series).where(Series.account_id == account.id))
        }
        term = await session.scalar(select(DueDateTerm).where(DueDateTerm.account_id == account.id))
        method = await session.scalar(
            select(PaymentMethod).where(PaymentMethod.account_id == account.id)
        )
        assert term is not None and method is not None
        term_id, term_days, method_id = term.id, term.days, method.id
    async with database.sessions() as session:
        product = await create_product(
            session,
            account,
            ProductInput(
                name="Consulting with discount 5%",
                sku="CS200010005",
                price=Decimal("2250"),
                discount=Decimal("5"),
                tax_ids=[taxes["IVA (21%)"]],
            ),
        )
    return Catalogue(
        taxes=taxes,
        series=series,
        client_id=client.id,
        client_uuid=client.uuid,
        product_id=product.id,
        term_id=term_id,
        term_days=term_days,
        payment_method_id=method_id,
    )


@pytest.fixture
async def catalogue(database: Database, account: Account) -> Catalogue:
    return await load_catalogue(database, account)
