"""The plain export of invoices: one row per issued (or annulled) invoice with its base, taxes,
withholding, total, status and client, in the invoice's own currency (pure)."""

from __future__ import annotations

from decimal import Decimal

from invoicegraph.domain.money import ZERO, breakdown_of_taxes
from invoicegraph.domain.vat_register import Cell, IssuedInvoice, invoice_type

INVOICE_COLUMNS: tuple[str, ...] = (
    "Serie",
    "Número",
    "Fecha Expedición",
    "Fecha Operación",
    "Tipo de Factura",
    "Estado",
    "Cliente",
    "NIF Cliente",
    "País Cliente",
    "Moneda",
    "Tipo de Cambio",
    "Base Imponible",
    "Cuota IVA",
    "Cuota Recargo eq.",
    "Importe Retenido del IRPF",
    "Total Factura",
    "Fecha Cobro",
    "Factura Rectificada",
    "Referencia Externa",
)
STATUS = {"issued": "emitida", "annulled": "anulada"}


def invoice_taxes(invoice: IssuedInvoice) -> tuple[Decimal, Decimal, Decimal]:
    """(IVA, equivalence surcharge, IRPF withheld as a positive amount), from the breakdown."""
    sums = {"vat": ZERO, "surcharge": ZERO, "withholding": ZERO}
    for row in breakdown_of_taxes(taxes for _, taxes in invoice.lines):
        sums[row.kind] = sums.get(row.kind, ZERO) + row.amount
    return sums["vat"], sums["surcharge"], -sums["withholding"]


def invoice_cells(invoice: IssuedInvoice) -> tuple[Cell, ...]:
    vat, surcharge, withheld = invoice_taxes(invoice)
    rectified = invoice.rectified
    return (
        invoice.series,
        invoice.number,
        invoice.date,
        invoice.operation_date,
        invoice_type(invoice),
        STATUS.get(invoice.status, invoice.status),
        (invoice.recipient_name or "").strip() or None,
        invoice.recipient_tax_id or None,
        invoice.recipient_country or None,
        invoice.currency,
        invoice.exchange_rate if invoice.currency != "EUR" else None,
        invoice.total_before_taxes,
        vat,
        surcharge,
        withheld,
        invoice.total_with_taxes,
        invoice.paid_on,
        rectified.number if rectified else None,
        (invoice.external_reference or "").strip() or None,
    )
