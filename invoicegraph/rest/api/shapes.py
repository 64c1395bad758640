"""The JSON the Facturovia dialect answers (``models.py`` declares it and its totals): money
is a JSON number written from the ``Decimal``, dates ``YYYY-MM-DD``, times ISO 8601 in UTC, ids
UUIDs. A rectificative invoice's quantities and figures are negative."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from invoicegraph.db.models import Client, Invoice, InvoiceLine, Quote, QuoteLine
from invoicegraph.domain.money import LineFigures, breakdown, stored_figures
from invoicegraph.rest.api.models import ApiClient, ApiInvoice, ApiQuote
from invoicegraph.services.public_ids import PublicIds

if TYPE_CHECKING:
    from invoicegraph.services.verifactu.state import EInvoicing

PARTY_FIELDS = ("name", "tax_id", "address", "city", "province", "postal_code", "country")


def client_json(client: Client) -> ApiClient:
    return ApiClient.model_validate(
        {
            "id": client.uuid,
            "name": client.name,
            "tax_id": client.tax_id,
            "email": client.email,
            "phone": client.phone,
            "address": client.address,
            "city": client.city,
            "province": client.province,
            "postal_code": client.postal_code,
            "country": client.country,
            "notes": client.notes,
            "created_at": client.created_at,
            "updated_at": client.updated_at,
        }
    )


def _taxes(figures: Sequence[LineFigures]) -> list[dict[str, Any]]:
    return [
        {
            "kind": row.kind,
            "name": row.name,
            "rate": row.percentage,
            "base": row.base,
            "amount": row.amount,
        }
        for row in breakdown(figures)
    ]


def item_json(line: InvoiceLine | QuoteLine) -> dict[str, Any]:
    vat = next((t.percentage for t in line.taxes if t.kind == "vat"), None)
    withheld = next((-t.percentage for t in line.taxes if t.kind == "withholding"), None)
    return {
        "id": line.uuid,
        "position": line.position,
        "description": line.description,
        "reference": line.reference,
        "quantity": line.quantity,
        "unit_price": line.price,
        "discount_percent": line.discount,
        "vat_rate": vat,
        "withholding_rate": withheld,
        "subtotal": line.subtotal,
        "discount_total": line.total_discount,
        "tax_base": line.total_before_taxes,
        "tax_total": line.total_taxes,
        "total": line.total_with_taxes,
        "taxes": _taxes([stored_figures(line)]),
    }


def _totals(document: Invoice | Quote) -> dict[str, Any]:
    return {
        "subtotal": document.subtotal,
        "discount_total": document.total_discount,
        "tax_base": document.total_before_taxes,
        "tax_total": document.total_taxes,
        "total": document.total_with_taxes,
        "taxes": _taxes([stored_figures(line) for line in document.lines]),
    }


def _party(invoice: Invoice, prefix: str) -> dict[str, Any] | None:
    values = {name: getattr(invoice, prefix + name) for name in PARTY_FIELDS}
    return values if values["name"] is not None else None


def invoice_json(
    invoice: Invoice, ids: PublicIds, e_invoicing: EInvoicing | None = None
) -> ApiInvoice:
    """``e_invoicing`` is the VERI*FACTU state of an issued invoice (null when it has none)."""
    series = ids.series.get(invoice.series_id) if invoice.series_id is not None else None
    return ApiInvoice.model_validate(
        {
            "id": invoice.uuid,
            "status": invoice.status,
            "serie_id": series[0] if series else None,
            "series": series[1] if series else None,
            "number": invoice.number,
            "full_number": invoice.full_number,
            "invoice_date": invoice.date,
            "due_date": invoice.due_date,
            "client_id": ids.clients.get(invoice.client_id) if invoice.client_id else None,
            "client": _party(invoice, "recipient_"),
            "issuer": _party(invoice, "issuer_"),
            "currency": invoice.currency,
            "exchange_rate": invoice.exchange_rate,
            "items": [item_json(line) for line in invoice.lines],
            **_totals(invoice),
            "vat_total": invoice.total_vat,
            "withholding_total": invoice.total_withholding,
            "is_corrective": invoice.is_rectificative,
            "original_invoice_id": (
                ids.invoices.get(invoice.rectifies_invoice_id)
                if invoice.rectifies_invoice_id
                else None
            ),
            "causa_rectificacion": invoice.rectification_cause,
            "rectification_reason": invoice.rectification_reason,
            "rectification_status": invoice.rectified_status,
            "external_reference": invoice.external_reference,
            "notes": invoice.notes,
            "payed_at": invoice.payed_at,
            "issued_at": invoice.issued_at,
            "annulled_at": invoice.annulled_at,
            "e_invoicing": e_invoicing.as_block() if e_invoicing is not None else None,
            "created_at": invoice.created_at,
            "updated_at": invoice.updated_at,
        }
    )


def quote_json(quote: Quote, ids: PublicIds) -> ApiQuote:
    return ApiQuote.model_validate(
        {
            "id": quote.uuid,
            "status": quote.status,
            "quote_date": quote.date,
            "valid_until": quote.valid_until,
            "client_id": ids.clients.get(quote.client_id) if quote.client_id else None,
            "currency": quote.currency,
            "exchange_rate": quote.exchange_rate,
            "items": [item_json(line) for line in quote.lines],
            **_totals(quote),
            "external_reference": quote.external_reference,
            "notes": quote.notes,
            "converted_invoice_id": (
                ids.invoices.get(quote.converted_invoice_id) if quote.converted_invoice_id else None
            ),
            "created_at": quote.created_at,
            "updated_at": quote.updated_at,
        }
    )
