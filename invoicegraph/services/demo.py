"""Demo data: an account to play with, two clients, two products, invoices in every state (a
paid one, an issued one with a rectificative returning part of it, a draft) and a write key."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account, Client, Product
from invoicegraph.domain.rectification import RectificationItem
from invoicegraph.services.accounts import create_account
from invoicegraph.services.api_keys import create_key
from invoicegraph.services.clients import ClientInput, create_client
from invoicegraph.services.invoices import (
    InvoiceData,
    IssueOptions,
    RectifyOptions,
    create_draft,
    issue_invoice,
    mark_paid,
    rectify_invoice,
)
from invoicegraph.services.invoices.loading import account_today
from invoicegraph.services.lines import LineData
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
        garcia = await create_client(
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
        filtro = await create_product(
            session,
            account,
            ProductInput(
                name="Filtro de aceite",
                sku="REF-001",
                price=Decimal("15.99"),
                tax_ids=[vat],
            ),
        )
        hora = await create_product(
            session,
            account,
            ProductInput(
                name="Hora de taller",
                sku="MO-001",
                price=Decimal("45.00"),
                tax_ids=[vat],
            ),
        )
        await _demo_invoices(session, account, garcia, filtro, hora)
        created = await create_key(session, account, access="write", name="demo")
        return created.text


async def _demo_invoices(
    session: AsyncSession,
    account: Account,
    garcia: Client,
    filtro: Product,
    hora: Product,
) -> None:
    """Invoices through the same services the faces call, so the demo shows what a client of
    the API would see: numbered in series, priced by the catalogue, one paid, one corrected by a
    rectificative (two oil filters returned), one draft still to issue. The German client has
    none: a service to an EU business is reverse-charged, not invoiced with Spanish IVA."""
    today = account_today(account)
    week_ago = today - dt.timedelta(days=7)
    paid = await create_draft(
        session,
        account,
        InvoiceData(
            client=garcia.id,
            date=week_ago,
            lines=[
                LineData(product=filtro.id, quantity=Decimal("4")),
                LineData(product=hora.id, quantity=Decimal("1.5")),
            ],
        ),
    )
    await issue_invoice(session, account, paid.id)
    await mark_paid(session, account, paid.id, week_ago)
    corrected = await create_draft(
        session,
        account,
        InvoiceData(
            client=garcia.id,
            date=today,
            lines=[
                LineData(product=filtro.id, quantity=Decimal("6"), discount=Decimal("10")),
                LineData(product=hora.id, quantity=Decimal("2")),
            ],
            notes="Pago por transferencia a 30 días.",
        ),
    )
    await issue_invoice(session, account, corrected.id)
    await rectify_invoice(
        session,
        account,
        corrected.id,
        RectifyOptions(
            items=[RectificationItem(quantity=Decimal("2"), description="Filtro de aceite")],
            reason="Devolución de dos filtros de aceite.",
            issue=IssueOptions(),
        ),
    )
    await create_draft(
        session,
        account,
        InvoiceData(
            client=garcia.id,
            date=today,
            lines=[LineData(product=hora.id, quantity=Decimal("3"))],
        ),
    )
