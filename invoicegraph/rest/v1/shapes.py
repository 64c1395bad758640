"""Invoices as the Orzame dialect answers them, key for key in the seed's order.

The list answers a summary (the seed's list omits template, texts, lines and notes); the
single invoice, create, PATCH and GET answer it in full. ``type_id`` is 2 for a proforma
(draft), 3 for a rectificative and 1 for any other issued invoice. ``business_line_id`` is
always null: we have no business lines.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from invoicegraph.db.models import Account, Invoice, InvoiceLine
from invoicegraph.rest.fields import Answer, shaped
from invoicegraph.rest.v1.currency import currency_out
from invoicegraph.rest.v1.models import (
    PARTY,
    V1Invoice,
    V1InvoiceSummary,
    V1IssuedBy,
    V1IssuedTo,
    V1Line,
    V1LineTax,
)
from invoicegraph.services.invoices.inputs import TEMPLATE_OPTIONS

A = TypeVar("A", bound=Answer)
TYPE_ORDINARY, TYPE_PROFORMA, TYPE_RECTIFICATIVE = 1, 2, 3
INVOICE_TYPES = {TYPE_ORDINARY: "ordinary", TYPE_PROFORMA: "proforma",
                 TYPE_RECTIFICATIVE: "rectificative"}  # fmt: skip
# type_id filter → the services' invoice kind (a proforma is a draft)
KIND_OF_TYPE = {**INVOICE_TYPES, TYPE_PROFORMA: "draft"}


INVOICE = {"payment_method": "payment_method_text", "rectification_invoice_id":
           "rectifies_invoice_id"}  # fmt: skip


def timestamp(value: dt.datetime) -> str:
    """``2024-12-01T12:33:44+00:00``, as the seed writes times."""
    return value.astimezone(dt.UTC).isoformat(timespec="seconds")


def stamps(row: Any) -> dict[str, str]:
    """``created_at`` and ``updated_at`` (the creation until the first change)."""
    return {
        "created_at": timestamp(row.created_at),
        "updated_at": timestamp(row.updated_at or row.created_at),
    }


def type_id(invoice: Invoice) -> int:
    if invoice.status == "draft":
        return TYPE_PROFORMA
    return TYPE_RECTIFICATIVE if invoice.is_rectificative else TYPE_ORDINARY


def owner(account: Account) -> V1IssuedBy:
    """The account's issuer data in the ``issued_by`` shape (``/v1/info`` ``data.app.owner``)."""
    return shaped(V1IssuedBy, account, PARTY)


def issued_to(invoice: Invoice) -> V1IssuedTo | None:
    if invoice.client_id is None and invoice.recipient_name is None:
        return None
    return shaped(V1IssuedTo, invoice, PARTY, "recipient_", id=invoice.client_id)


def invoice_summary(
    invoice: Invoice, serie_name: str | None, e_invoicing: dict[str, Any] | None
) -> Answer:
    return _invoice(V1InvoiceSummary, invoice, serie_name, e_invoicing)


def invoice_full(
    invoice: Invoice, serie_name: str | None, e_invoicing: dict[str, Any] | None
) -> V1Invoice:
    return _invoice(
        V1Invoice,
        invoice,
        serie_name,
        e_invoicing,
        template=template(invoice),
        intro_texts=_texts(invoice.intro_texts),
        lines=[line_shape(line) for line in invoice.lines],
        close_texts=_texts(invoice.close_texts),
        # the seed's PATCH sends "notes": "" and answers "": no notes read as an empty string
        notes=invoice.notes or "",
    )


def _invoice(
    model: type[A],
    invoice: Invoice,
    serie_name: str | None,
    e_invoicing: dict[str, Any] | None,
    **full: Any,
) -> A:
    series = invoice.series_id
    serie = {"id": series, "name": serie_name if series is not None else None}
    return shaped(
        model,
        invoice,
        INVOICE,
        type_id=type_id(invoice),
        serie=serie,
        e_invoicing=e_invoicing,
        issued_by=shaped(V1IssuedBy, invoice, PARTY, "issuer_"),
        issued_to=issued_to(invoice),
        currency=currency_out(invoice.currency),
        **full,
        **stamps(invoice),
    )


def template(invoice: Invoice) -> dict[str, Any]:
    stored = invoice.template_options or {}
    # an invoice that never chose options prints with the services' defaults
    options = {
        name: bool(stored.get(name, name != "use_company_color")) for name in TEMPLATE_OPTIONS
    }
    return {"id": invoice.template_id, "options": options}


def _texts(texts: list[dict[str, str]] | None) -> list[dict[str, str]]:
    return [{"label": t.get("label", ""), "text": t.get("text", "")} for t in texts or []]


def line_shape(line: InvoiceLine) -> V1Line:
    taxes = [
        shaped(V1LineTax, tax, id=tax.tax_id, version=tax.tax_version_uuid) for tax in line.taxes
    ]
    return shaped(V1Line, line, business_line_id=None, taxes=taxes)
