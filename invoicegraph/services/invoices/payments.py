"""Payments: an issued invoice is paid on a date, or not (yet)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from invoicegraph.db.models import Account, Invoice
from invoicegraph.domain.errors import Conflict, FieldError, ValidationFailed
from invoicegraph.domain.validation import check_date
from invoicegraph.domain.webhooks import EventType
from invoicegraph.services.events import record
from invoicegraph.services.invoices.loading import account_today, load_invoice
from invoicegraph.services.invoices.rendered import forget_rendered
from invoicegraph.services.refs import Ref


def check_payment_date(account: Account, date: dt.date, errors: list[FieldError]) -> None:
    """Payment dates are facts, so never later than today (here and in ``update_invoice``)."""
    check_date(date, "payed_at", errors)
    if date > account_today(account):
        errors.append(FieldError("payed_at", "cannot be in the future"))


async def mark_paid(
    session: AsyncSession, account: Account, ref: Ref, date: dt.date | None = None
) -> Invoice:
    async with session.begin():
        invoice = await load_invoice(session, account, ref, for_update=True)
        if invoice.status != "issued":
            raise Conflict(
                f"only an issued invoice can be paid; this one is {invoice.status}", ["status"]
            )
        paid_on = date or account_today(account)
        errors: list[FieldError] = []
        check_payment_date(account, paid_on, errors)
        if errors:
            raise ValidationFailed(errors)
        invoice.payed_at = paid_on
        await forget_rendered(session, account, invoice.id)
        await session.flush()
        await record(session, account, EventType.INVOICE_PAID, invoice)
    return invoice


async def unmark_paid(session: AsyncSession, account: Account, ref: Ref) -> Invoice:
    async with session.begin():
        invoice = await load_invoice(session, account, ref, for_update=True)
        if invoice.status == "draft":
            raise Conflict("a draft is never paid", ["status"])
        invoice.payed_at = None
        await forget_rendered(session, account, invoice.id)
        await session.flush()
        await record(session, account, EventType.INVOICE_UPDATED, invoice)
    return invoice
