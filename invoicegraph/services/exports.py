"""Exports of an account's issued invoices over a date range: the VAT register (*libro registro
de facturas expedidas*, ``domain.vat_register``) and the plain list of invoices.

Invoices are read a page at a time (keyset pages on ``(account_id, date, id)``,
``services.pagination``), each page in its own short transaction and session, and turned into
rows before the next page is read: a year of invoices never sits in memory, and no
transaction stays open while a slow client downloads. Issued invoices never change, so pages
read one after another see the same invoices a single read would (an invoice issued during the
export either makes it into a later page or not, like any read a moment earlier).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from invoicegraph.db.engine import Database
from invoicegraph.db.models import (
    Account,
    Invoice,
    InvoiceLine,
    InvoiceLineTax,
    PaymentMethod,
    Series,
)
from invoicegraph.domain.errors import FieldError, ValidationFailed
from invoicegraph.domain.invoice_export import INVOICE_COLUMNS, invoice_cells
from invoicegraph.domain.money import TaxAmount, stored_tax
from invoicegraph.domain.vat_register import (
    REGISTER_COLUMNS,
    Cell,
    IssuedInvoice,
    RectifiedInvoice,
    RegisterRow,
    register_rows,
)
from invoicegraph.services.invoices.loading import account_today
from invoicegraph.services.pagination import PageRequest, cursor_of, page_query

__all__ = ["account_today", "export_pages", "export_range", "issued_invoices", "register_pages"]

MAX_RANGE_DAYS = 366  # a whole (leap) year: the annual summary of the register
PAGE_SIZE = 100
KINDS = ("register", "invoices")
FORMATS = ("csv", "xlsx")

_ORDER = {"date": Invoice.date}
_COLUMNS = (
    Invoice.id,
    Invoice.series_id,
    Invoice.full_number,
    Invoice.number,
    Invoice.date,
    Invoice.operation_date,
    Invoice.status,
    Invoice.is_simplified,
    Invoice.is_rectificative,
    Invoice.rectification_cause,
    Invoice.rectification_kind,
    Invoice.rectifies_invoice_id,
    Invoice.recipient_name,
    Invoice.recipient_tax_id,
    Invoice.recipient_country,
    Invoice.currency,
    Invoice.exchange_rate,
    Invoice.total_before_taxes,
    Invoice.total_vat,
    Invoice.total_withholding,
    Invoice.total_with_taxes,
    Invoice.payed_at,
    Invoice.payment_method_id,
    Invoice.external_reference,
)

_TAX_COLUMNS = (
    InvoiceLine.id,
    InvoiceLineTax.kind,
    InvoiceLineTax.name,
    InvoiceLineTax.percentage,
    InvoiceLineTax.base,
    InvoiceLineTax.total,
    InvoiceLineTax.impuesto,
    InvoiceLineTax.regime_key,
    InvoiceLineTax.qualification,
    InvoiceLineTax.exemption_code,
)


@dataclass(frozen=True, slots=True)
class ExportRange:
    """Issue dates ``start``…``end``, both included."""

    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        return f"{self.start.isoformat()}_{self.end.isoformat()}"


def export_range(
    start: dt.date | None,
    end: dt.date | None,
    *,
    today: dt.date,
    names: tuple[str, str] = ("from", "to"),
) -> ExportRange:
    """The range asked for; without ``start``, the first day of the quarter of ``end`` (or of
    today); without ``end``, today. At most ``MAX_RANGE_DAYS`` days; errors name the parameter."""
    end = end or (today if start is None or start <= today else start)
    start = start or dt.date(end.year, 3 * ((end.month - 1) // 3) + 1, 1)
    errors = []
    if start > end:
        errors.append(FieldError(names[0], f"must not be after '{names[1]}'", "invalid"))
    elif (end - start).days + 1 > MAX_RANGE_DAYS:
        errors.append(
            FieldError(
                names[1], f"at most {MAX_RANGE_DAYS} days after '{names[0]}'", "out_of_range"
            )
        )
    if errors:
        raise ValidationFailed(errors)
    return ExportRange(start, end)


def check_choice(value: str, choices: Sequence[str], name: str) -> str:
    if value not in choices:
        raise ValidationFailed.single(name, f"one of {', '.join(choices)}", "invalid_choice")
    return value


async def issued_invoices(
    database: Database,
    account: Account,
    span: ExportRange,
    *,
    statuses: Sequence[str] = ("issued",),
    page_size: int = PAGE_SIZE,
) -> AsyncIterator[list[IssuedInvoice]]:
    """The account's invoices issued in ``span`` (by issue date, then id), a page at a time."""
    conditions = [
        Invoice.account_id == account.id,
        Invoice.status.in_(list(statuses)),
        Invoice.date >= span.start,
        Invoice.date <= span.end,
    ]
    after: str | None = None
    catalogue = _Catalogue()
    while True:
        page = PageRequest(
            limit=page_size, order_by="date", descending=False, after=after, with_total=False
        )
        query = page_query(Invoice, conditions, page, orderable=_ORDER)
        async with database.sessions() as session, session.begin():
            found = (await session.execute(query.statement.with_only_columns(*_COLUMNS))).all()
            rows = found[:page_size]
            invoices = await _complete(session, account, rows, catalogue) if rows else []
        if invoices:
            yield invoices
        if len(found) <= page_size:
            return
        after = cursor_of(query, rows[-1].date, rows[-1].id)


@dataclass(slots=True)
class _Catalogue:
    """The account's series codes and payment kinds, read with the first page: an account has
    a handful of each, and they are the same for every page."""

    series: dict[int | None, str] | None = None
    payment_kinds: dict[int | None, str] = field(default_factory=dict)


async def _complete(
    session: AsyncSession, account: Account, rows: Sequence[Any], catalogue: _Catalogue
) -> list[IssuedInvoice]:
    """The page's invoices with their lines and line taxes (one statement), the originals of
    its rectificatives (one more when it has any) and the account's series and payment kinds
    (with the first page only): two statements a page, however many invoices it has."""
    ids = [row.id for row in rows]
    lines: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    taxes: dict[int, list[TaxAmount]] = defaultdict(list)
    for line in await session.execute(
        select(InvoiceLine.invoice_id, InvoiceLine.total_before_taxes, *_TAX_COLUMNS)
        .select_from(InvoiceLine)
        .outerjoin(
            InvoiceLineTax,
            and_(
                InvoiceLineTax.account_id == InvoiceLine.account_id,
                InvoiceLineTax.line_id == InvoiceLine.id,
            ),
        )
        .where(InvoiceLine.account_id == account.id, InvoiceLine.invoice_id.in_(ids))
        .order_by(InvoiceLine.invoice_id, InvoiceLine.position, InvoiceLineTax.position)
    ):
        if not lines[line.invoice_id] or lines[line.invoice_id][-1][0] != line.id:
            lines[line.invoice_id].append((line.id, line.total_before_taxes))
        if line.kind is not None:
            taxes[line.id].append(stored_tax(line))
    if catalogue.series is None:
        catalogue.series = await _series_codes(session, account)
        catalogue.payment_kinds = await _payment_kinds(session, account)
    series, payment_kinds = catalogue.series, catalogue.payment_kinds
    originals = await _originals(session, account, [r.rectifies_invoice_id for r in rows], series)
    return [
        IssuedInvoice(
            id=row.id,
            series=series.get(row.series_id, ""),
            number=row.full_number or str(row.number or ""),
            date=row.date,
            operation_date=row.operation_date,
            status=row.status,
            is_simplified=row.is_simplified,
            is_rectificative=row.is_rectificative,
            rectification_cause=row.rectification_cause,
            rectification_kind=row.rectification_kind,
            rectified=originals.get(row.rectifies_invoice_id),
            recipient_name=row.recipient_name,
            recipient_tax_id=row.recipient_tax_id,
            recipient_country=row.recipient_country,
            currency=row.currency,
            exchange_rate=row.exchange_rate,
            total_before_taxes=row.total_before_taxes,
            total_vat=row.total_vat,
            total_withholding=row.total_withholding,
            total_with_taxes=row.total_with_taxes,
            paid_on=row.payed_at,
            payment_kind=payment_kinds.get(row.payment_method_id),
            external_reference=row.external_reference,
            lines=tuple(
                (base, tuple(taxes.get(line_id, ()))) for line_id, base in lines.get(row.id, ())
            ),
        )
        for row in rows
    ]


async def _series_codes(session: AsyncSession, account: Account) -> dict[int | None, str]:
    found = await session.execute(
        select(Series.id, Series.code).where(Series.account_id == account.id)
    )
    return {row.id: row.code for row in found}


async def _payment_kinds(session: AsyncSession, account: Account) -> dict[int | None, str]:
    found = await session.execute(
        select(PaymentMethod.id, PaymentMethod.kind).where(PaymentMethod.account_id == account.id)
    )
    return {row.id: row.kind for row in found}


async def _originals(
    session: AsyncSession,
    account: Account,
    ids: Sequence[int | None],
    codes: dict[int | None, str],
) -> dict[int | None, RectifiedInvoice]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    found = (
        await session.execute(
            select(Invoice.id, Invoice.series_id, Invoice.full_number, Invoice.date).where(
                Invoice.account_id == account.id, Invoice.id.in_(wanted)
            )
        )
    ).all()
    return {
        row.id: RectifiedInvoice(codes.get(row.series_id, ""), row.full_number or "", row.date)
        for row in found
    }


async def register_pages(
    database: Database, account: Account, span: ExportRange, *, page_size: int = PAGE_SIZE
) -> AsyncIterator[list[RegisterRow]]:
    """The register's rows, a page of invoices at a time. Annulled invoices are not in it: an
    annulment says the invoice should not have been issued (their numbers stay used, and the
    plain export lists them)."""
    async for invoices in issued_invoices(database, account, span, page_size=page_size):
        yield [row for invoice in invoices for row in register_rows(invoice)]


def statuses_of(kind: str) -> tuple[str, ...]:
    return ("issued",) if kind == "register" else ("issued", "annulled")


async def count_invoices(database: Database, account: Account, kind: str, span: ExportRange) -> int:
    """How many invoices export ``kind`` of ``span`` reads (for a progress bar)."""
    async with database.sessions() as session, session.begin():
        found = await session.scalar(
            select(func.count())
            .select_from(Invoice)
            .where(
                Invoice.account_id == account.id,
                Invoice.status.in_(statuses_of(kind)),
                Invoice.date >= span.start,
                Invoice.date <= span.end,
            )
        )
    return int(found or 0)


async def export_pages(
    database: Database,
    account: Account,
    kind: str,
    span: ExportRange,
    *,
    on_invoices: Callable[[int], None] | None = None,
) -> AsyncIterator[list[tuple[Cell, ...]]]:
    """The cells of export ``kind`` (``register`` or ``invoices``), header first;
    ``on_invoices`` hears how many invoices each page held once its rows are made."""
    yield [REGISTER_COLUMNS if kind == "register" else INVOICE_COLUMNS]
    pages = issued_invoices(database, account, span, statuses=statuses_of(kind))
    async for invoices in pages:
        if kind == "register":
            cells = [row.cells() for invoice in invoices for row in register_rows(invoice)]
        else:
            cells = [invoice_cells(invoice) for invoice in invoices]
        yield cells
        if on_invoices is not None:
            on_invoices(len(invoices))


def file_name(kind: str, span: ExportRange, fmt: str) -> str:
    stem = "libro-registro-facturas-expedidas" if kind == "register" else "facturas"
    return f"{stem}_{span.label}.{fmt}"
