"""Short ways to call the invoice services, one fresh session per call (a service that fails
rolls its session back and expires what it loaded), keeping only plain ids across calls."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account, Invoice
from invoicegraph.domain.rectification import RectificationItem
from invoicegraph.services.invoices import (
    InvoiceData,
    IssueOptions,
    RectifyOptions,
    create_draft,
    get_invoice,
    issue_invoice,
    rectify_invoice,
    update_invoice,
)
from invoicegraph.services.lines import LineData
from invoicegraph.services.refs import Ref

from .conftest import Catalogue


def line(
    catalogue: Catalogue,
    description: str = "Service",
    quantity: str = "1",
    price: str = "100",
    discount: str = "0",
    taxes: Sequence[str] = ("IVA (21%)",),
    reference: str | None = None,
) -> LineData:
    return LineData(
        description=description,
        quantity=Decimal(quantity),
        price=Decimal(price),
        discount=Decimal(discount),
        taxes=[catalogue.taxes[name] for name in taxes],
        reference=reference,
    )


async def new_draft(
    database: Database,
    account: Account,
    catalogue: Catalogue,
    lines: list[LineData] | None = None,
    **fields: Any,
) -> int:
    fields.setdefault("client", catalogue.client_id)
    data = InvoiceData(lines=lines if lines is not None else [line(catalogue)], **fields)
    async with database.sessions() as session:
        return (await create_draft(session, account, data)).id


async def issue(database: Database, account: Account, ref: Ref, **options: Any) -> Invoice:
    async with database.sessions() as session:
        return await issue_invoice(session, account, ref, IssueOptions(**options))


async def new_issued(
    database: Database,
    account: Account,
    catalogue: Catalogue,
    lines: list[LineData] | None = None,
    *,
    series: Ref | None = None,
    date: dt.date | None = None,
    **fields: Any,
) -> int:
    draft_id = await new_draft(database, account, catalogue, lines, **fields)
    return (await issue(database, account, draft_id, series=series, date=date)).id


async def get(database: Database, account: Account, ref: Ref) -> Invoice:
    async with database.sessions() as session:
        return await get_invoice(session, account, ref)


async def update(database: Database, account: Account, ref: Ref, **fields: Any) -> Invoice:
    async with database.sessions() as session:
        return await update_invoice(session, account, ref, InvoiceData(**fields))


async def rectify(
    database: Database,
    account: Account,
    ref: Ref,
    items: Sequence[RectificationItem] | None = None,
    **options: Any,
) -> Invoice:
    async with database.sessions() as session:
        return await rectify_invoice(session, account, ref, RectifyOptions(items=items, **options))


def returned(
    quantity: str, *, reference: str | None = None, description: str | None = None
) -> RectificationItem:
    return RectificationItem(Decimal(quantity), reference=reference, description=description)


def fields_of(error: Any) -> list[str]:
    """The offending fields of a ValidationFailed (or a Conflict), in order."""
    return [f if isinstance(f, str) else f.field for f in error.fields]
