"""The printable view of an invoice: everything a document (PDF, e-invoice XML) needs.

Services build an ``InvoiceDocument`` from the stored invoice; renderers in ``pdf/`` only read
it. It is plain data (frozen dataclasses, ``Decimal`` money) so it crosses process boundaries
(the PDF process pool) by pickling, and renderers never touch the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Party:
    """Issuer or recipient as snapshotted on the invoice."""

    name: str
    tax_id: str | None
    address: str | None = None
    city: str | None = None
    province: str | None = None
    postal_code: str | None = None
    country: str = "ES"  # ISO 3166-1 alpha-2
    email: str | None = None


@dataclass(frozen=True, slots=True)
class DocumentLineTax:
    kind: str  # "vat" | "withholding" | "surcharge"
    name: str  # e.g. "IVA (21%)"
    percentage: Decimal  # negative for IRPF withholding, e.g. Decimal("-15")
    amount: Decimal  # 2 decimals, negative for withholding
    # VERI*FACTU / e-invoice fiscal codes, snapshotted from the tax version
    exemption_code: str | None = None  # E1..E6 when exempt
    qualification: str = "S1"  # S1, S2, N1, N2


@dataclass(frozen=True, slots=True)
class DocumentLine:
    position: int
    description: str
    quantity: Decimal
    price: Decimal  # unit price, up to 6 decimals
    discount: Decimal  # percentage 0..100
    subtotal: Decimal  # round2(quantity * price)
    total_discount: Decimal
    total_before_taxes: Decimal
    total_taxes: Decimal
    total_with_taxes: Decimal
    taxes: tuple[DocumentLineTax, ...] = ()
    sku: str | None = None
    reference: str | None = None


@dataclass(frozen=True, slots=True)
class TaxBreakdownRow:
    """One row per (tax kind, rate): the taxable base and the tax amount."""

    kind: str
    name: str
    percentage: Decimal
    base: Decimal
    amount: Decimal
    exemption_code: str | None = None
    qualification: str = "S1"
    # IVA row: the surcharge rate of its lines; surcharge row: the IVA rate it goes with
    paired_rate: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Text:
    """An intro or close text: markdown source (raw HTML must be escaped when rendered)."""

    label: str
    text: str


@dataclass(frozen=True, slots=True)
class TemplateOptions:
    use_company_color: bool = False
    include_texts_before: bool = True
    include_texts_after: bool = True


@dataclass(frozen=True, slots=True)
class Rectification:
    """Present on a rectificative invoice: what it corrects and why."""

    original_number: str  # the original's full series-and-number, e.g. "F2024/0007"
    original_date: dt.date
    cause: str  # "R1".."R5"
    reason: str | None = None  # free text (notes)
    kind: str = "I"  # VERI*FACTU TipoRectificativa: I (differences) or S (substitution)


@dataclass(frozen=True, slots=True)
class VerifactuMark:
    """The VERI*FACTU QR block: the URL encoded in the QR (levels and sizes are the renderer's)."""

    qr_url: str
    legend: str = "VERI*FACTU"


@dataclass(frozen=True, slots=True)
class InvoiceDocument:
    """A whole invoice (issued, or a draft preview) ready to render."""

    uuid: str
    status: str  # "draft" | "issued" | "annulled"
    is_rectificative: bool
    is_simplified: bool
    series_code: str | None
    number: int | None
    full_number: str | None  # formatted series and number, None for drafts
    name: str | None  # the document's title (the /v1 dialect's invoice name)
    issue_date: dt.date
    operation_date: dt.date | None
    due_date: dt.date | None
    issuer: Party
    recipient: Party | None  # None on a simplified invoice without recipient
    currency: str  # ISO 4217, e.g. "EUR"
    exchange_rate: Decimal  # units of ``currency`` per euro (the ECB convention)
    lang: str  # "es" | "en" | "ca" | "gl" | "eu"
    date_format: str  # e.g. "dd/mm/yyyy", "yyyy-mm-dd", "mm/dd/yyyy"
    money_format: str  # e.g. "symbol_before,none,point" / "symbol_after,point,comma"
    template_id: int  # 1, 2 or 3
    template_options: TemplateOptions
    brand_color: str | None  # "#RRGGBB"
    lines: tuple[DocumentLine, ...]
    breakdown: tuple[TaxBreakdownRow, ...]
    subtotal: Decimal  # Σ line subtotals
    total_discount: Decimal
    total_before_taxes: Decimal
    total_taxes: Decimal  # Σ of every tax, IRPF included (negative part)
    total_with_taxes: Decimal  # the total to pay
    total_vat: Decimal  # Σ VAT + surcharge amounts (no IRPF)
    total_withholding: Decimal  # Σ IRPF amounts (negative or zero)
    intro_texts: tuple[Text, ...] = ()
    close_texts: tuple[Text, ...] = ()
    payment_method: str | None = None  # the method's text as the user wrote it
    payment_iban: str | None = None  # the account to pay into, for a transfer
    payment_kind: str | None = None  # bank_transfer | card | cash | direct_debit | other
    notes_public: str | None = None
    external_reference: str | None = None
    rectification: Rectification | None = None
    verifactu: VerifactuMark | None = None
    payed_at: dt.date | None = None
    extra: dict[str, str] = field(default_factory=dict)
