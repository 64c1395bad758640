"""The JSON the Facturovia dialect answers (``models.py`` declares it and its totals): money
is a JSON number written from the ``Decimal``, dates ``YYYY-MM-DD``, times ISO 8601 in UTC, ids
UUIDs. A rectificative invoice's quantities and figures are negative."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from invoicegraph.db.models import Client, Invoice, InvoiceLine, Quote, QuoteLine
from invoicegraph.domain.money import LineFigures, breakdown, stored_figures
from invoicegraph.rest.api.fieldnames import ITEM_FIELDS
from invoicegraph.rest.api.models import ApiClient, ApiInvoice, ApiItem, ApiParty, ApiQuote, ApiTax
from invoicegraph.rest.fields import EMPTY, shaped
from invoicegraph.services.pagination import Page
from invoicegraph.services.public_ids import PublicIds
from invoicegraph.sqlread.page import JsonPage

if TYPE_CHECKING:
    from invoicegraph.services.verifactu.state import EInvoicing

PARTY_FIELDS = tuple(ApiParty.model_fields)


# the dialect's names of the stored figures (each item carries the same as its document)
TOTALS = {"discount_total": "total_discount", "tax_base": "total_before_taxes",
          "tax_total": "total_taxes", "total": "total_with_taxes"}  # fmt: skip
INVOICE = {**TOTALS, "invoice_date": "date", "vat_total": "total_vat",
           "withholding_total": "total_withholding", "is_corrective": "is_rectificative",
           "causa_rectificacion": "rectification_cause",
           "rectification_status": "rectified_status"}  # fmt: skip


def cursor_page(data: Any, page: Page[Any] | JsonPage) -> dict[str, Any]:
    """A page of a cursor list (``list_of``): ``next_cursor`` is its last item's, if more follow."""
    if not page.has_next:
        return {"data": data, "next_cursor": None}
    last = page.cursor(len(page.items) - 1) if isinstance(page, JsonPage) else page.cursors[-1]
    return {"data": data, "next_cursor": last}


def client_json(client: Client) -> ApiClient:
    return shaped(ApiClient, client, id=client.uuid)


def _taxes(figures: Sequence[LineFigures]) -> list[ApiTax]:
    return [shaped(ApiTax, row, {"rate": "percentage"}) for row in breakdown(figures)]


def item_json(line: InvoiceLine | QuoteLine) -> ApiItem:
    return shaped(
        ApiItem,
        line,
        TOTALS | ITEM_FIELDS,
        id=line.uuid,
        vat_rate=next((t.percentage for t in line.taxes if t.kind == "vat"), None),
        withholding_rate=next((-t.percentage for t in line.taxes if t.kind == "withholding"), None),
        taxes=_taxes([stored_figures(line)]),
    )


def _items(document: Invoice | Quote) -> dict[str, Any]:
    return {
        "items": [item_json(line) for line in document.lines],
        "taxes": _taxes([stored_figures(line) for line in document.lines]),
    }


def _party(invoice: Invoice, prefix: str) -> ApiParty | None:
    named = getattr(invoice, prefix + "name") is not None
    return shaped(ApiParty, invoice, EMPTY, prefix) if named else None


def invoice_json(
    invoice: Invoice, ids: PublicIds, e_invoicing: EInvoicing | None = None
) -> ApiInvoice:
    """``e_invoicing`` is the VERI*FACTU state of an issued invoice (null when it has none)."""
    series = ids.series.get(invoice.series_id) if invoice.series_id is not None else None
    original = invoice.rectifies_invoice_id
    return shaped(
        ApiInvoice,
        invoice,
        INVOICE,
        id=invoice.uuid,
        serie_id=series[0] if series else None,
        series=series[1] if series else None,
        client_id=ids.clients.get(invoice.client_id) if invoice.client_id else None,
        client=_party(invoice, "recipient_"),
        issuer=_party(invoice, "issuer_"),
        **_items(invoice),
        original_invoice_id=ids.invoices.get(original) if original else None,
        e_invoicing=e_invoicing.as_block() if e_invoicing is not None else None,
    )


def quote_json(quote: Quote, ids: PublicIds) -> ApiQuote:
    converted = quote.converted_invoice_id
    return shaped(
        ApiQuote,
        quote,
        {**TOTALS, "quote_date": "date"},
        id=quote.uuid,
        client_id=ids.clients.get(quote.client_id) if quote.client_id else None,
        **_items(quote),
        converted_invoice_id=ids.invoices.get(converted) if converted else None,
    )
