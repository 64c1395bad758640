"""Demo data: an account to play with, two clients and two products, and a write key."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account
from invoicegraph.services.accounts import create_account
from invoicegraph.services.api_keys import create_key
from invoicegraph.services.clients import ClientInput, create_client
from invoicegraph.services.products import ProductInput, create_product
from invoicegraph.services.taxes import default_vat_id

DEMO_TAX_ID = "B12345674"


async def create_demo(database: Database) -> str:
    """Create the demo account and return a live write key for it. A live tax id is unique on
    the installation, so a second run gives a new key to the demo account made the first time."""
    async with database.sessions() as session:
        async with session.begin():
            existing = await session.scalar(
                select(Account).where(Account.tax_id == DEMO_TAX_ID, Account.is_sandbox.is_(False))
            )
        if existing is not None:
            return (await create_key(session, existing, access="write", name="demo")).text
        account = await create_account(
            session,
            name="Talleres Demo S.L.",
            tax_id=DEMO_TAX_ID,
            plan="professional",
            address="Gran Vía 1",
            city="Madrid",
            province="Madrid",
            postal_code="28013",
            email="facturas@talleres-demo.example",
        )
        await create_client(
            session,
            account,
            ClientInput(
                name="Talleres García S.L.",
                tax_id="B27346063",
                email="info@talleresgarcia.example",
                address="Calle Mayor 1",
                city="Madrid",
                postal_code="28001",
                country="ES",
            ),
        )
        await create_client(
            session,
            account,
            ClientInput(
                name="Autohaus Müller GmbH",
                tax_id="DE129273398",
                address="Hauptstraße 5",
                city="Berlin",
                postal_code="10115",
                country="DE",
            ),
        )
        vat = await default_vat_id(session, account)
        await create_product(
            session,
            account,
            ProductInput(
                name="Filtro de aceite",
                sku="REF-001",
                price=Decimal("15.99"),
                tax_ids=[vat],
            ),
        )
        await create_product(
            session,
            account,
            ProductInput(
                name="Hora de taller",
                sku="MO-001",
                price=Decimal("45.00"),
                tax_ids=[vat],
            ),
        )
        created = await create_key(session, account, access="write", name="demo")
        return created.text
