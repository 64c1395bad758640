"""Benchmark data, made through the services (the same rules as production): a professional
account with a write key, clients, and issued invoices of 5 lines with IVA and IRPF each."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from invoicegraph.db.engine import create_database
from invoicegraph.db.models import Series, Tax
from invoicegraph.services.accounts import create_account
from invoicegraph.services.api_keys import create_key
from invoicegraph.services.clients import ClientInput, create_client
from invoicegraph.services.invoices import InvoiceData, create_draft, issue_invoice
from invoicegraph.services.lines import LineData

LINES_PER_INVOICE = 5
DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def dni(number: int) -> str:
    """A valid Spanish DNI (8 digits and the check letter)."""
    return f"{number:08d}{DNI_LETTERS[number % 23]}"


@dataclass(frozen=True, slots=True)
class Fixture:
    account_id: int
    key: str
    client_ids: list[int]
    vat_id: int
    irpf_id: int
    series_id: int


def lines(tax_ids: list[int], seed: int) -> list[LineData]:
    return [
        LineData(
            description=f"Servicio profesional {seed}-{i}",
            quantity=Decimal(1 + (seed + i) % 7),
            price=Decimal("49.95") + Decimal(i),
            taxes=list(tax_ids),
        )
        for i in range(LINES_PER_INVOICE)
    ]


async def make_fixture(
    url: str, *, clients: int, issued_invoices: int, tax_id: str = "B12345674"
) -> Fixture:
    """A new account with ``tax_id``: a live tax id is unique on the installation, so two
    fixtures in one database need two (``B87654323`` is the other valid one the benches use)."""
    database = create_database(url, pool_size=2)
    try:
        async with database.sessions() as session:
            account = await create_account(
                session,
                name="Bench Servicios S.L.",
                tax_id=tax_id,
                plan="professional",
                address="Gran Vía 1",
                city="Madrid",
                postal_code="28013",
            )
            key = (await create_key(session, account, access="write")).text
            client_ids = []
            for n in range(clients):
                client = await create_client(
                    session,
                    account,
                    ClientInput(
                        name=f"Cliente {n} S.L.",
                        tax_id=dni(10_000_000 + n),
                        address=f"Calle {n}",
                        city="Madrid",
                        postal_code="28001",
                    ),
                )
                client_ids.append(client.id)
            async with session.begin():
                taxes = {
                    t.name: t.id
                    for t in await session.scalars(select(Tax).where(Tax.account_id == account.id))
                }
                series_id = await session.scalar(
                    select(Series.id).where(
                        Series.account_id == account.id, Series.kind == "ordinary"
                    )
                )
            assert series_id is not None
            tax_ids = [taxes["IVA (21%)"], taxes["IRPF (-15%)"]]
            for n in range(issued_invoices):
                draft = await create_draft(
                    session,
                    account,
                    InvoiceData(
                        client=client_ids[n % len(client_ids)],
                        date=dt.date.today(),
                        lines=lines(tax_ids, n),
                    ),
                )
                await issue_invoice(session, account, draft.id)
        return Fixture(account.id, key, client_ids, tax_ids[0], tax_ids[1], series_id)
    finally:
        await database.dispose()
