"""Issuer and recipient data copied onto an invoice, and lines written onto it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import instance_state, set_committed_value

from invoicegraph.db.core_writes import insert_new, new_row
from invoicegraph.db.models import Account, Client, Invoice, InvoiceLine, InvoiceLineTax
from invoicegraph.domain.errors import ValidationFailed
from invoicegraph.domain.fiscal_bounds import amount_problems
from invoicegraph.domain.money import stored_figures, summarise
from invoicegraph.services.lines import PricedLine, line_columns, tax_columns

__all__ = [
    "copy_parties",
    "insert_invoice",
    "issuer_snapshot",
    "snapshot_issuer",
    "snapshot_recipient",
    "stored_figures",
    "write_lines",
]


def issuer_snapshot(account: Account) -> dict[str, Any]:
    """The invoice columns that state the issuer, as the account is now."""
    return {
        "issuer_name": account.name,
        "issuer_tax_id": account.tax_id,
        "issuer_address": account.address,
        "issuer_city": account.city,
        "issuer_province": account.province,
        "issuer_postal_code": account.postal_code,
        "issuer_country": account.country,
    }


def snapshot_issuer(invoice: Invoice, account: Account) -> None:
    for name, value in issuer_snapshot(account).items():
        setattr(invoice, name, value)


def snapshot_recipient(invoice: Invoice, client: Client | None) -> None:
    invoice.client_id = client.id if client else None
    invoice.recipient_name = client.name if client else None
    invoice.recipient_tax_id = client.tax_id if client else None
    invoice.recipient_address = client.address if client else None
    invoice.recipient_city = client.city if client else None
    invoice.recipient_province = client.province if client else None
    invoice.recipient_postal_code = client.postal_code if client else None
    invoice.recipient_country = client.country if client else None


def copy_parties(target: Invoice, source: Invoice) -> None:
    """A rectificative names the same parties as the invoice it corrects."""
    for prefix in ("issuer_", "recipient_"):
        for column in ("name", "tax_id", "address", "city", "province", "postal_code", "country"):
            setattr(target, prefix + column, getattr(source, prefix + column))
    target.client_id = source.client_id


def write_lines(invoice: Invoice, priced: Sequence[PricedLine]) -> None:
    """Replace the invoice's lines and totals. A new invoice without its id yet gets it on
    its lines from ``insert_invoice``, which writes them: its rows are made without the
    session's attribute events (``new_row``), as they are never flushed."""
    new = instance_state(invoice).transient
    make: Any = new_row if new else _constructed
    rows = []
    for position, line in enumerate(priced, start=1):
        taxes = [
            make(
                InvoiceLineTax,
                account_id=invoice.account_id,
                invoice_id=invoice.id,
                impuesto=tax.impuesto,
                regime_key=tax.regime_key,
                qualification=tax.qualification,
                exemption_code=tax.exemption_code,
                **columns,
            )
            for tax, columns in zip(line.taxes, tax_columns(line), strict=True)
        ]
        rows.append(
            make(
                InvoiceLine,
                account_id=invoice.account_id,
                invoice_id=invoice.id,
                position=position,
                rectifies_line_id=line.rectifies_line_id,
                # loaded even when the line has no tax: callers read it after the session
                taxes=taxes,
                **line_columns(line),
            )
        )
    if new:
        set_committed_value(invoice, "lines", rows)
    else:
        invoice.lines.clear()
        invoice.lines.extend(rows)
    write_totals(invoice, priced)


def _constructed(model: Any, **values: Any) -> Any:
    return model(**values)


async def insert_invoice(session: AsyncSession, invoice: Invoice) -> None:
    """A new invoice with its lines and their taxes: three INSERTs (``db/core_writes.py``),
    each RETURNING what the database assigns, the ids linking the next; afterwards the
    objects are complete and clean, and outside the session (nothing to flush)."""
    await insert_new(session, [invoice])
    lines = list(invoice.lines)
    for line in lines:
        line.invoice_id = invoice.id
    await insert_new(session, lines)
    taxes = []
    for line in lines:
        for tax in line.taxes:
            tax.invoice_id, tax.line_id = invoice.id, line.id
            taxes.append(tax)
    await insert_new(session, taxes)


def write_totals(invoice: Invoice, priced: Sequence[PricedLine]) -> None:
    """The invoice's totals from its lines. ``write_lines`` writes them too; a new invoice
    takes them before its INSERT, so it is not written twice."""
    totals = summarise([line.figures for line in priced])
    problems = amount_problems(totals)
    if problems:
        raise ValidationFailed(problems)
    invoice.subtotal = totals.subtotal
    invoice.total_discount = totals.total_discount
    invoice.total_before_taxes = totals.total_before_taxes
    invoice.total_taxes = totals.total_taxes
    invoice.total_with_taxes = totals.total_with_taxes
    invoice.total_vat = totals.total_vat
    invoice.total_withholding = totals.total_withholding
