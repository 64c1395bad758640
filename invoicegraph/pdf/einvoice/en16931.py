"""An ``InvoiceDocument`` read as the EN 16931 semantic model, shared by the CII and UBL writers.

Both syntaxes express the same business terms (BT-n), so the decisions live here once and
``cii.py`` / ``ubl.py`` only spell them.

Document type (BT-3). An ordinary invoice is 380. A rectificative invoice whose total is
negative (the usual case: the original's lines negated, in full or in part) is a credit note,
381, written with the signs turned: in EN 16931 a credit note's positive amounts are what the
seller credits, and its quantities and prices are not negative (BR-27: a net price is never
negative). A rectificative that does not lower the total (a substitution, a correction that
raises the amount) is 384, "corrected invoice", with its own signs. Both carry the preceding
invoice reference (BG-3: the original's number and date), which EN 16931 expects on
corrections and credit notes; the Spanish cause (R1..R5) and reason go in a note.

IRPF withholding. EN 16931 has no withholding tax (CEN/TC 434 keeps it out of scope), and it
is not VAT: it must not become a VAT category or rate. Two places exist to lower what is paid:

* a document allowance (BG-20). Rejected: allowances reduce the VAT taxable base (BR-CO-13,
  BR-S-08), so the IVA base and cuota would no longer match the legal invoice;
* the paid amount (BT-113, CII ``TotalPrepaidAmount``, UBL ``PrepaidAmount``). Chosen.

So the invoice total with VAT (BT-112) stays base + IVA, which is also the "importe total"
the Spanish tax agency registers (its VERI*FACTU FAQ: withholding is not part of the invoice
total, it only changes the amount payable); BT-113 holds the withheld amount, which the
buyer pays to the tax agency on the seller's account; and the amount due (BT-115 = BT-112 −
BT-113, BR-CO-16) equals the document's ``total_with_taxes``. A note (BT-22) states the
IRPF rate, base and amount so a reader does not mistake it for an advance payment.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from invoicegraph.pdf.document import InvoiceDocument, Party
from invoicegraph.pdf.einvoice import parties
from invoicegraph.pdf.einvoice.errors import EInvoiceError
from invoicegraph.pdf.einvoice.notes import invoice_notes, payment_terms
from invoicegraph.pdf.einvoice.payment import PaymentMeans, payment_means
from invoicegraph.pdf.einvoice.vat import VatCategory, line_vat, row_category
from invoicegraph.pdf.labels import labels_for

_ZERO = Decimal(0)
_CENT = Decimal("0.01")
UNIT_CODE = "C62"  # UN/ECE rec. 20 "one": the document has no unit of measure
#: BT-122 and BT-123 of the supporting document that carries the VERI*FACTU check URL.
VERIFACTU_REFERENCE = "VERI*FACTU"
VERIFACTU_DESCRIPTION = "Factura verificable en la sede electrónica de la AEAT"


@dataclass(frozen=True, slots=True)
class TradeParty:
    """Seller (BG-4) or buyer (BG-7)."""

    name: str
    vat_id: str | None  # BT-31 / BT-48, with ISO prefix
    legal_id: str | None  # BT-30 / BT-47: the tax id of a party outside the EU
    tax_registration: str | None  # BT-32: the seller's NIF when no VAT id may be shown
    address_line: str | None
    city: str | None
    postal_code: str | None
    subdivision: str | None
    country: str
    email: str | None
    endpoint: tuple[str, str] | None  # BT-34 / BT-49: (EAS scheme, identifier)


@dataclass(frozen=True, slots=True)
class LineAllowance:
    """BG-27: the line discount, percentage of the line's gross amount."""

    amount: Decimal
    base: Decimal
    percent: Decimal
    reason: str  # BT-139, in the invoice's language


@dataclass(frozen=True, slots=True)
class Line:
    """BG-25."""

    line_id: str
    name: str
    seller_item_id: str | None
    quantity: Decimal
    net_price: Decimal  # BT-146, never negative
    allowance: LineAllowance | None
    net_amount: Decimal  # BT-131
    vat: VatCategory
    vat_amount: Decimal  # not a BT: summed into the breakdown


@dataclass(frozen=True, slots=True)
class VatBreakdown:
    """BG-23, one per category and rate."""

    category: VatCategory
    taxable_amount: Decimal
    tax_amount: Decimal


@dataclass(frozen=True, slots=True)
class Totals:
    """BG-22."""

    line_total: Decimal  # BT-106
    tax_basis_total: Decimal  # BT-109
    tax_total: Decimal  # BT-110
    tax_total_accounting: Decimal | None  # BT-111, in EUR when the invoice is not
    grand_total: Decimal  # BT-112
    paid: Decimal  # BT-113: the IRPF withheld
    due: Decimal  # BT-115


@dataclass(frozen=True, slots=True)
class Invoice:
    """The business terms of one invoice."""

    number: str  # BT-1
    type_code: str  # BT-3
    issue_date: dt.date  # BT-2
    currency: str  # BT-5
    accounting_currency: str | None  # BT-6
    notes: tuple[str, ...]  # BT-22
    order_reference: str | None  # BT-13
    verification_url: str | None  # BG-24 BT-124: the VERI*FACTU check URL (the QR's)
    preceding_number: str | None  # BT-25
    preceding_date: dt.date | None  # BT-26
    seller: TradeParty
    buyer: TradeParty
    delivery_date: dt.date | None  # BT-72
    deliver_to_country: str | None  # BT-80
    due_date: dt.date | None  # BT-9
    payment_terms: str | None  # BT-20
    payment: PaymentMeans | None  # BG-16
    lines: tuple[Line, ...]
    breakdown: tuple[VatBreakdown, ...]
    totals: Totals

    @property
    def is_credit_note(self) -> bool:
        return self.type_code == "381"


def _trade_party(party: Party, *, not_subject: bool, seller: bool) -> TradeParty:
    """The party; on an invoice not subject to VAT its tax id is no VAT id (BR-O-02..04).

    There the id still identifies the party (BR-CO-26), as legal registration (BT-30/BT-47)
    and, for the seller, as tax registration (BT-32).
    """
    vat_id = None if not_subject else parties.vat_id(party)
    legal_id = parties.national_tax_id(party) if vat_id is None else None
    return TradeParty(
        name=party.name,
        vat_id=vat_id,
        legal_id=legal_id,
        tax_registration=legal_id if not_subject and seller else None,
        address_line=party.address,
        city=party.city,
        postal_code=party.postal_code,
        subdivision=party.province,
        country=party.country,
        email=party.email,
        endpoint=parties.electronic_address(party),
    )


def type_code(document: InvoiceDocument) -> str:
    """380 invoice, 381 credit note (rectificative lowering the total), 384 corrected invoice."""
    if not document.is_rectificative:
        return "380"
    return "381" if document.total_with_taxes < 0 else "384"


def _lines(document: InvoiceDocument, sign: Decimal) -> tuple[Line, ...]:
    reason = labels_for(document.lang).total_discount
    lines = []
    for line in document.lines:
        vat = line_vat(line)
        quantity, price = line.quantity * sign, line.price
        if price < 0:  # BR-27: move a negative price's sign into the quantity
            quantity, price = -quantity, -price
        allowance = None
        if line.total_discount != 0:
            allowance = LineAllowance(
                line.total_discount * sign, line.subtotal * sign, line.discount, reason
            )
        lines.append(
            Line(
                line_id=str(line.position),
                name=line.description,
                seller_item_id=line.sku or line.reference,
                quantity=quantity,
                net_price=price,
                allowance=allowance,
                net_amount=line.total_before_taxes * sign,
                vat=vat.category,
                vat_amount=vat.amount * sign,
            )
        )
    return tuple(lines)


def _row_taxes(
    document: InvoiceDocument, sign: Decimal
) -> dict[tuple[str, Decimal | None], Decimal]:
    """The document's IVA (+ surcharge) per category and rate, from its breakdown rows: each
    row is rounded once on its summed base (BR-CO-17), and the e-invoice states the same
    amounts as the invoice, the PDF and the VERI*FACTU record."""
    taxes: dict[tuple[str, Decimal | None], Decimal] = {}
    for row in document.breakdown:
        category = row_category(row)
        if category is not None:
            key = (category.code, category.rate)
            taxes[key] = taxes.get(key, _ZERO) + row.amount * sign
    return taxes


def _breakdown(
    lines: tuple[Line, ...], row_taxes: dict[tuple[str, Decimal | None], Decimal]
) -> tuple[VatBreakdown, ...]:
    """Group lines by category and rate (BR-S-08 and siblings sum line net amounts per group);
    the tax of each group is the document's, not the sum of the lines' rounded taxes."""
    groups: dict[tuple[str, Decimal | None], list[Line]] = {}
    for line in lines:
        groups.setdefault((line.vat.code, line.vat.rate), []).append(line)
    if "O" in {code for code, _ in groups} and len(groups) > 1:
        raise EInvoiceError(
            "EN 16931 cannot mix lines not subject to VAT with taxed or exempt lines "
            "(BR-O-11..14): issue them on separate invoices"
        )
    rows = []
    for group in groups.values():
        reasons = list(
            dict.fromkeys(ln.vat.exemption_reason for ln in group if ln.vat.exemption_reason)
        )
        codes = {ln.vat.exemption_code for ln in group}
        first = group[0].vat
        category = VatCategory(
            first.code,
            first.rate,
            first.exemption_code if len(codes) == 1 else None,
            "; ".join(reasons) or None,
        )
        taxable = sum((ln.net_amount for ln in group), _ZERO)
        tax = row_taxes.get((first.code, first.rate), _ZERO)
        rows.append(VatBreakdown(category, taxable, tax))
    return tuple(rows)


def _totals(
    document: InvoiceDocument,
    lines: tuple[Line, ...],
    breakdown: tuple[VatBreakdown, ...],
    sign: Decimal,
) -> Totals:
    line_total = sum((line.net_amount for line in lines), _ZERO)
    tax_total = sum((row.tax_amount for row in breakdown), _ZERO)
    grand_total = line_total + tax_total
    paid = -document.total_withholding * sign
    due = grand_total - paid
    expected = (
        document.total_before_taxes * sign,
        document.total_vat * sign,
        document.total_with_taxes * sign,
    )
    if (line_total, tax_total, due) != expected:
        raise EInvoiceError(
            "the document's totals do not add up from its lines: "
            f"base {line_total}, VAT {tax_total}, due {due} against {expected}"
        )
    accounting = None
    if document.currency != "EUR":
        # Spanish VAT is declared in euros (BT-6/BT-111); ``exchange_rate`` is units of the
        # invoice currency per euro (the ECB and Banco de España convention).
        accounting = (tax_total / document.exchange_rate).quantize(_CENT, ROUND_HALF_UP)
    return Totals(line_total, line_total, tax_total, accounting, grand_total, paid, due)


def to_en16931(document: InvoiceDocument) -> Invoice:
    """Read the document as EN 16931 business terms; raises ``EInvoiceError`` when it can't be."""
    if document.full_number is None:
        raise EInvoiceError("a draft has no number; only issued invoices become e-invoices")
    if document.recipient is None:
        raise EInvoiceError("EN 16931 requires a buyer (BT-44); this invoice has no recipient")
    if document.issuer.tax_id is None:
        raise EInvoiceError("the issuer has no tax id (EN 16931 BT-31)")
    if not document.lines:
        raise EInvoiceError("EN 16931 requires at least one invoice line (BG-25)")
    code = type_code(document)
    sign = Decimal(-1) if code == "381" else Decimal(1)
    lines = _lines(document, sign)
    breakdown = _breakdown(lines, _row_taxes(document, sign))
    totals = _totals(document, lines, breakdown, sign)
    needs_delivery = any(row.category.code == "K" for row in breakdown)
    not_subject = breakdown[0].category.code == "O"  # then it is the only category
    rectification = document.rectification
    return Invoice(
        number=document.full_number,
        type_code=code,
        issue_date=document.issue_date,
        currency=document.currency,
        accounting_currency="EUR" if document.currency != "EUR" else None,
        notes=invoice_notes(document),
        order_reference=document.external_reference,
        verification_url=document.verifactu.qr_url if document.verifactu else None,
        preceding_number=rectification.original_number if rectification else None,
        preceding_date=rectification.original_date if rectification else None,
        seller=_trade_party(document.issuer, not_subject=not_subject, seller=True),
        buyer=_trade_party(document.recipient, not_subject=not_subject, seller=False),
        # BT-72: the operation date, which Spanish law takes to be the issue date when the
        # invoice states none; CII needs a non-empty delivery block anyway (PEPPOL R008).
        delivery_date=document.operation_date or document.issue_date,
        deliver_to_country=document.recipient.country if needs_delivery else None,
        due_date=document.due_date,
        payment_terms=payment_terms(document, credit_note=code == "381")
        if totals.due > 0
        else None,
        # The document's payment means say how the issuer collects; a credit note is paid the
        # other way, to an account the document does not know.
        payment=None if code == "381" else payment_means(document),
        lines=lines,
        breakdown=breakdown,
        totals=totals,
    )
