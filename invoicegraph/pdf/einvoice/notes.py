"""Free-text notes an e-invoice carries where the formats have no coded place for a fact.

EN 16931 has no slot for IRPF, for the recargo de equivalencia as a separate charge, or for
the Spanish rectification cause; the document's public notes need a place too. Each becomes
a note (BT-22, Facturae ``InvoiceAdditionalInformation``) in the invoice's language: Spanish
and English are written out, the other Spanish co-official languages fall back to Spanish,
which is valid for any Spanish invoice.
"""

from __future__ import annotations

from decimal import Decimal

from invoicegraph.pdf.document import InvoiceDocument
from invoicegraph.pdf.einvoice.xmltree import amount, decimal

_TEXTS: dict[str, dict[str, str]] = {
    "es": {
        "withholding": (
            "Retención {name}: {rate} % sobre una base de {base} {currency} = {amount} "
            "{currency}. La retiene el destinatario y la ingresa en la Agencia Tributaria; "
            "figura como importe pagado y no forma parte del total de la factura."
        ),
        "surcharge": (
            "Incluye {name}: {rate} % sobre una base de {base} {currency} = {amount} {currency}."
        ),
        "rectification": "Factura rectificativa de la factura {number} de {date}. Causa {cause}.",
        "on_receipt": "Pago a la recepción de la factura.",
        "credit": "Importe a devolver o compensar al destinatario.",
        "annulled": (
            "FACTURA ANULADA: esta factura se expidió por error y ha sido anulada; "
            "no tiene efectos fiscales ni debe pagarse."
        ),
        "verifactu": "Factura verificable en la sede electrónica de la AEAT (VERI*FACTU): {url}",
    },
    "en": {
        "withholding": (
            "{name} withholding: {rate} % on a base of {base} {currency} = {amount} "
            "{currency}. The buyer withholds it and pays it to the Spanish tax agency; it is "
            "shown as the paid amount and is not part of the invoice total."
        ),
        "surcharge": (
            "Includes {name}: {rate} % on a base of {base} {currency} = {amount} {currency}."
        ),
        "rectification": "Corrective invoice of invoice {number} dated {date}. Cause {cause}.",
        "on_receipt": "Payment due on receipt of the invoice.",
        "credit": "Amount to be refunded or offset to the buyer.",
        "annulled": (
            "INVOICE CANCELLED: this invoice was issued by mistake and has been cancelled; "
            "it has no tax effect and must not be paid."
        ),
        "verifactu": "Invoice verifiable at the Spanish tax agency (VERI*FACTU): {url}",
    },
}


def _texts(document: InvoiceDocument) -> dict[str, str]:
    return _TEXTS.get(document.lang, _TEXTS["es"])


def _tax_note(
    template: str, name: str, rate: Decimal, base: Decimal, value: Decimal, currency: str
) -> str:
    return template.format(
        name=name,
        rate=decimal(abs(rate)),
        base=amount(abs(base)),
        amount=amount(abs(value)),
        currency=currency,
    )


def annulment_note(document: InvoiceDocument) -> str | None:
    """The mark of an annulled invoice (a VERI*FACTU cancellation record voids it): no format
    has a status element, so each says it first, in words."""
    return _texts(document)["annulled"] if document.status == "annulled" else None


def verification_note(document: InvoiceDocument) -> str | None:
    """The VERI*FACTU check URL in words, for a format with no place for a link (Facturae)."""
    if document.verifactu is None:
        return None
    return _texts(document)["verifactu"].format(url=document.verifactu.qr_url)


def invoice_notes(document: InvoiceDocument) -> tuple[str, ...]:
    """The annulment mark, public notes, then the withholding, surcharge and rectification
    facts, in that order."""
    texts = _texts(document)
    notes: list[str] = []
    annulled = annulment_note(document)
    if annulled is not None:
        notes.append(annulled)
    if document.notes_public and document.notes_public.strip():
        notes.append(document.notes_public.strip())
    for row in document.breakdown:
        if row.kind in ("withholding", "surcharge"):
            notes.append(
                _tax_note(
                    texts[row.kind],
                    row.name,
                    row.percentage,
                    row.base,
                    row.amount,
                    document.currency,
                )
            )
    rectification = document.rectification
    if rectification is not None:
        text = texts["rectification"].format(
            number=rectification.original_number,
            date=rectification.original_date.isoformat(),
            cause=rectification.cause,
        )
        if rectification.reason and rectification.reason.strip():
            text = f"{text} {rectification.reason.strip()}"
        notes.append(text)
    return tuple(notes)


def payment_terms(document: InvoiceDocument, *, credit_note: bool = False) -> str | None:
    """BT-20 when there is no due date: EN 16931 wants one or the other (BR-CO-25).

    A credit note always says how the credit is settled, since its due date (if any) has no
    payment means to sit in.
    """
    if credit_note:
        return _texts(document)["credit"]
    if document.due_date is not None:
        return None
    return _texts(document)["on_receipt"]
