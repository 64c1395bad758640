"""Invoices as the Orzame dialect answers them, key for key in the seed's order.

The list answers a summary (the seed's list omits template, texts, lines and notes); the
single invoice, create, PATCH and GET answer it in full. ``type_id`` is 2 for a proforma
(draft), 3 for a rectificative and 1 for any other issued invoice. ``business_line_id`` is
always null: we have no business lines.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from invoicegraph.db.models import Account, Invoice, InvoiceLine
from invoicegraph.rest.fields import Answer
from invoicegraph.rest.v1.currency import currency_out
from invoicegraph.rest.v1.models import V1Invoice, V1InvoiceSummary
from invoicegraph.services.invoices.inputs import TEMPLATE_OPTIONS

TYPE_ORDINARY, TYPE_PROFORMA, TYPE_RECTIFICATIVE = 1, 2, 3
INVOICE_TYPES = (
    (TYPE_ORDINARY, "ordinary"),
    (TYPE_PROFORMA, "proforma"),
    (TYPE_RECTIFICATIVE, "rectificative"),
)
# type_id filter → the services' invoice kind
KIND_OF_TYPE = {
    TYPE_ORDINARY: "ordinary",
    TYPE_PROFORMA: "draft",
    TYPE_RECTIFICATIVE: "rectificative",
}


def timestamp(value: dt.datetime) -> str:
    """``2024-12-01T12:33:44+00:00``, as the seed writes times."""
    return value.astimezone(dt.UTC).isoformat(timespec="seconds")


def type_id(invoice: Invoice) -> int:
    if invoice.status == "draft":
        return TYPE_PROFORMA
    return TYPE_RECTIFICATIVE if invoice.is_rectificative else TYPE_ORDINARY


def owner(account: Account) -> dict[str, Any]:
    """The account's issuer data in the ``issued_by`` shape (``/v1/info`` ``data.app.owner``)."""
    return {
        "name": account.name,
        "vat": account.tax_id,
        "address": account.address,
        "population": account.city,
        "province_state": account.province,
        "country": account.country,
        "zip": account.postal_code,
    }


def issued_by(invoice: Invoice) -> dict[str, Any]:
    return {
        "name": invoice.issuer_name,
        "vat": invoice.issuer_tax_id,
        "address": invoice.issuer_address,
        "population": invoice.issuer_city,
        "province_state": invoice.issuer_province,
        "country": invoice.issuer_country,
        "zip": invoice.issuer_postal_code,
    }


def issued_to(invoice: Invoice) -> dict[str, Any] | None:
    if invoice.client_id is None and invoice.recipient_name is None:
        return None
    return {
        "id": invoice.client_id,
        "name": invoice.recipient_name,
        "number": invoice.recipient_tax_id,
        "address": invoice.recipient_address,
        "population": invoice.recipient_city,
        "province_state": invoice.recipient_province,
        "country": invoice.recipient_country,
        "zip": invoice.recipient_postal_code,
    }


def invoice_summary(
    invoice: Invoice, serie_name: str | None, e_invoicing: dict[str, Any] | None
) -> Answer:
    return V1InvoiceSummary.model_validate(
        {**_head(invoice, serie_name, e_invoicing), **_totals(invoice)}
    )


def invoice_full(
    invoice: Invoice, serie_name: str | None, e_invoicing: dict[str, Any] | None
) -> V1Invoice:
    return V1Invoice.model_validate(
        {
            **_head(invoice, serie_name, e_invoicing),
            "template": template(invoice),
            "intro_texts": _texts(invoice.intro_texts),
            "lines": [line_shape(line) for line in invoice.lines],
            "close_texts": _texts(invoice.close_texts),
            # the seed's PATCH sends "notes": "" and answers "": no notes read as an empty string
            "notes": invoice.notes or "",
            **_totals(invoice),
        }
    )


def _head(
    invoice: Invoice, serie_name: str | None, e_invoicing: dict[str, Any] | None
) -> dict[str, Any]:
    return {
        "id": invoice.id,
        "name": invoice.name,
        "type_id": type_id(invoice),
        "serie": {
            "id": invoice.series_id,
            "name": serie_name if invoice.series_id is not None else None,
        },
        "number": invoice.number,
        "e_invoicing": e_invoicing,
        "date": invoice.date,
        "due_date": invoice.due_date,
        "payment_method": invoice.payment_method_text,
        "rectification_invoice_id": invoice.rectifies_invoice_id,
        "issued_by": issued_by(invoice),
        "issued_to": issued_to(invoice),
        "payed_at": invoice.payed_at,
        "currency": currency_out(invoice.currency),
        "lang": invoice.lang,
        "date_format": invoice.date_format,
        "money_format": invoice.money_format,
    }


def _totals(invoice: Invoice) -> dict[str, Any]:
    return {
        "total_before_taxes": invoice.total_before_taxes,
        "total_taxes": invoice.total_taxes,
        "total_with_taxes": invoice.total_with_taxes,
        "created_at": timestamp(invoice.created_at),
        "updated_at": timestamp(invoice.updated_at or invoice.created_at),
    }


def template(invoice: Invoice) -> dict[str, Any]:
    stored = invoice.template_options or {}
    # an invoice that never chose options prints with the services' defaults
    options = {
        name: bool(stored.get(name, name != "use_company_color")) for name in TEMPLATE_OPTIONS
    }
    return {"id": invoice.template_id, "options": options}


def _texts(texts: list[dict[str, str]] | None) -> list[dict[str, str]]:
    return [{"label": t.get("label", ""), "text": t.get("text", "")} for t in texts or []]


def line_shape(line: InvoiceLine) -> dict[str, Any]:
    return {
        "sku": line.sku,
        "product_id": line.product_id,
        "description": line.description,
        "quantity": line.quantity,
        "price": line.price,
        "discount": line.discount,
        "business_line_id": None,
        "subtotal": line.subtotal,
        "total_discount": line.total_discount,
        "total_before_taxes": line.total_before_taxes,
        "taxes": [
            {
                "id": tax.tax_id,
                "name": tax.name,
                "percentage": tax.percentage,
                "total": tax.total,
                "version": tax.tax_version_uuid,
            }
            for tax in line.taxes
        ],
        "total_taxes": line.total_taxes,
        "total_with_taxes": line.total_with_taxes,
    }
