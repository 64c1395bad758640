"""Issuing invoices for the VERI*FACTU tests through the real invoice services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import select

from invoicegraph.db.engine import Database
from invoicegraph.db.models import (
    Account,
    Invoice,
    Series,
    Tax,
    VerifactuRecord,
    VerifactuSubmission,
)
from invoicegraph.services.catalog import SeriesInput, create_series
from invoicegraph.services.clients import ClientInput, create_client
from invoicegraph.services.invoices import (
    InvoiceData,
    IssueOptions,
    RectifyOptions,
    create_draft,
    issue_invoice,
    rectify_invoice,
)
from invoicegraph.services.lines import LineData
from tests.parties import CLIENT_ADDRESS

SPANISH_CLIENT_NIF = "A58818501"


async def client_id(
    database: Database,
    account: Account,
    tax_id: str | None = SPANISH_CLIENT_NIF,
    country: str = "ES",
) -> int:
    async with database.sessions() as session:
        client = await create_client(
            session,
            account,
            ClientInput(
                **CLIENT_ADDRESS, name="Cliente Ejemplo SA", tax_id=tax_id, country=country
            ),
        )
        return client.id


async def tax_id(database: Database, account: Account, name: str) -> int:
    async with database.sessions() as session:
        found = await session.scalar(
            select(Tax.id).where(Tax.account_id == account.id, Tax.name == name)
        )
        assert found is not None, name
        return found


async def series_id(database: Database, account: Account, code: str, kind: str) -> int:
    async with database.sessions() as session:
        existing = await session.scalar(
            select(Series.id).where(Series.account_id == account.id, Series.code == code)
        )
    if existing is not None:
        return existing
    async with database.sessions() as session:
        return (await create_series(session, account, SeriesInput(code=code, kind=kind))).id


def line(
    price: str, *, vat: str | None = "21", quantity: str = "1", taxes: list[int] | None = None
) -> LineData:
    return LineData(
        description="Servicio de reparación",
        quantity=Decimal(quantity),
        price=Decimal(price),
        vat_rate=Decimal(vat) if vat is not None and taxes is None else None,
        taxes=taxes,
    )


async def issued(
    database: Database,
    account: Account,
    lines: Sequence[LineData],
    *,
    client: int | None = None,
    simplified: bool = False,
    series: int | None = None,
    date: dt.date | None = None,
) -> Invoice:
    """A draft with ``lines`` for ``client``, issued at once."""
    async with database.sessions() as session:
        draft = await create_draft(
            session,
            account,
            InvoiceData(client=client, lines=list(lines), is_simplified=simplified),
        )
    async with database.sessions() as session:
        return await issue_invoice(
            session, account, draft.id, IssueOptions(series=series, date=date)
        )


async def rectified(
    database: Database, account: Account, original: Invoice, cause: str | None = None
) -> Invoice:
    """A full rectificative of ``original``, issued at once."""
    async with database.sessions() as session:
        return await rectify_invoice(
            session, account, original.id, RectifyOptions(cause=cause, issue=IssueOptions())
        )


async def records(database: Database, account: Account) -> list[VerifactuRecord]:
    async with database.sessions() as session:
        rows = await session.scalars(
            select(VerifactuRecord)
            .where(VerifactuRecord.account_id == account.id)
            .order_by(VerifactuRecord.chain_position)
        )
        return list(rows)


async def submissions(database: Database, account: Account) -> list[VerifactuSubmission]:
    async with database.sessions() as session:
        rows = await session.scalars(
            select(VerifactuSubmission)
            .where(VerifactuSubmission.account_id == account.id)
            .order_by(VerifactuSubmission.id)
        )
        return list(rows)
