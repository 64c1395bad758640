"""Demo data: an account to play with, two clients and two products, and a write key."""

from __future__ import annotations

from decimal import Decimal

from invoicegraph.db.engine import Database
from invoicegraph.services.accounts import create_account
from invoicegraph.services.api_keys import create_key
from invoicegraph.services.clients import ClientInput, create_client
from invoicegraph.services.products import ProductInput, create_product
from invoicegraph.services.taxes import default_vat_id


async def create_demo(database: Database) -> str:
    """Create the demo account and return a live write key for it."""
    async with database.sessions() as session:
        account = await create_account(
            session,
            name="Talleres Demo S.L.",
            tax_id="B12345674",
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
