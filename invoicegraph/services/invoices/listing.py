"""Listing invoices with the filters both dialects and GraphQL offer, on indexes that lead
with the account."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, or_
from sqlalchemy.ext.asyncio import AsyncSession

from invoicegraph.db.models import Account, Client, Invoice, Series
from invoicegraph.domain.errors import FieldError, ValidationFailed
from invoicegraph.services.invoices.loading import attach_lines
from invoicegraph.services.pagination import Page, PageRequest, paginate
from invoicegraph.services.refs import Ref

KINDS = ("ordinary", "draft", "rectificative")
STATUSES = ("draft", "issued", "annulled")

ORDERABLE = {
    "id": Invoice.id,
    "name": Invoice.name,
    "date": Invoice.date,
    "due_date": Invoice.due_date,
    "total_before_taxes": Invoice.total_before_taxes,
    "total_taxes": Invoice.total_taxes,
    "total_with_taxes": Invoice.total_with_taxes,
    "number": Invoice.number,
    "created_at": Invoice.created_at,
}


@dataclass(frozen=True, slots=True)
class InvoiceFilter:
    kind: str | None = None  # ordinary (type 1) | draft (type 2) | rectificative (type 3)
    status: str | None = None
    client: Ref | None = None
    series: Ref | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    unpaid: bool = False
    external_reference: str | None = None
    search: str | None = None
    rectifies: Ref | None = None


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _ref_condition(model: Any, ref: Ref, account: Account) -> Any:
    column = model.id if isinstance(ref, int) else model.uuid
    return and_(model.account_id == account.id, column == ref)


def conditions_for(account: Account, flt: InvoiceFilter) -> list[Any]:
    from sqlalchemy import select

    errors: list[FieldError] = []
    conditions: list[Any] = [Invoice.account_id == account.id]
    kind = "ordinary" if flt.unpaid else flt.kind
    if kind is not None:
        if kind not in KINDS:
            errors.append(FieldError("type_id", "unknown invoice kind", "invalid_choice"))
        elif kind == "draft":
            conditions.append(Invoice.status == "draft")
        else:
            conditions.append(Invoice.status != "draft")
            conditions.append(Invoice.is_rectificative.is_(kind == "rectificative"))
    if flt.status is not None:
        if flt.status not in STATUSES:
            errors.append(FieldError("status", f"one of {', '.join(STATUSES)}", "invalid_choice"))
        conditions.append(Invoice.status == flt.status)
    if flt.unpaid:
        conditions.append(Invoice.status == "issued")
        conditions.append(Invoice.payed_at.is_(None))
    if flt.client is not None:
        conditions.append(
            Invoice.client_id.in_(
                select(Client.id).where(_ref_condition(Client, flt.client, account))
            )
        )
    if flt.series is not None:
        conditions.append(
            Invoice.series_id.in_(
                select(Series.id).where(_ref_condition(Series, flt.series, account))
            )
        )
    if flt.rectifies is not None:
        conditions.append(
            Invoice.rectifies_invoice_id.in_(
                select(Invoice.id).where(_ref_condition(Invoice, flt.rectifies, account))
            )
        )
    if flt.date_from is not None:
        conditions.append(Invoice.date >= flt.date_from)
    if flt.date_to is not None:
        conditions.append(Invoice.date <= flt.date_to)
    if flt.date_from and flt.date_to and flt.date_from > flt.date_to:
        errors.append(FieldError("from", "must not be after 'to'", "invalid"))
    if flt.external_reference is not None:
        conditions.append(Invoice.external_reference == flt.external_reference)
    if flt.search is not None:
        term = flt.search.strip()
        if len(term) < 3:
            errors.append(FieldError("search", "at least 3 characters", "too_short"))
        pattern = f"%{_escape_like(term.lower())}%"
        conditions.append(
            or_(
                *(
                    func.lower(column).like(pattern, escape="\\")
                    for column in (
                        Invoice.name,
                        Invoice.full_number,
                        Invoice.recipient_name,
                        Invoice.recipient_tax_id,
                        Invoice.external_reference,
                    )
                )
            )
        )
    if errors:
        raise ValidationFailed(errors)
    return conditions


async def list_invoices(
    session: AsyncSession,
    account: Account,
    page: PageRequest,
    flt: InvoiceFilter | None = None,
    *,
    with_lines: bool = False,
) -> Page[Invoice]:
    conditions = conditions_for(account, flt or InvoiceFilter())
    async with session.begin():
        found = await paginate(session, Invoice, conditions, page, orderable=ORDERABLE)
        if with_lines:
            await attach_lines(session, account, found.items)
    return found
