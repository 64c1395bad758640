"""The invoice as the templates print it: every value already formatted, every label chosen.

Templates stay declarative (loops and conditionals only); what a Spanish invoice must say, in
which words and in which number and date format, is decided here, where it can be unit-tested
without weasyprint. Nothing here escapes HTML: Jinja's autoescape does that, and the only
pre-rendered HTML (the markdown texts) arrives as ``Markup``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from babel import Locale
from markupsafe import Markup

from invoicegraph.pdf.document import (
    DocumentLine,
    InvoiceDocument,
    Party,
    Rectification,
    TaxBreakdownRow,
    Text,
)
from invoicegraph.pdf.formatting import (
    MoneyFormat,
    format_date,
    format_money,
    format_percent,
    format_quantity,
)
from invoicegraph.pdf.labels import (
    EXEMPTION_REFERENCES,
    QR_TITLE,
    SERVICE_RECTIFICATION_NAME,
    Labels,
    is_built_in_payment_name,
    labels_for,
)
from invoicegraph.pdf.layouts import InvoiceTemplate, template_by_id
from invoicegraph.pdf.markdown import render_markdown
from invoicegraph.pdf.qr import qr_png_data_url

#: Accent used when the company colour is off or unusable; each template may tint it.
DEFAULT_ACCENT = "#2f3e4e"
_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


@dataclass(frozen=True, slots=True)
class PartyView:
    """Issuer or recipient; the address is lines so the template can print it as one block."""

    role: str
    name: str
    tax_id: str | None
    address_lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LineView:
    """One invoice line, every number already written in the invoice's formats."""

    description: str
    sku: str | None
    quantity: str
    unit_price: str
    discount: str
    taxes: str
    amount: str


@dataclass(frozen=True, slots=True)
class BreakdownView:
    """A tax breakdown row: the tax named in the invoice's language, base, rate, amount."""

    tax: str
    base: str
    rate: str
    amount: str


@dataclass(frozen=True, slots=True)
class TotalView:
    """A totals row; ``grand`` marks the total to pay, printed larger."""

    label: str
    value: str
    grand: bool = False


@dataclass(frozen=True, slots=True)
class TextView:
    """An intro or close text, its markdown already made into safe HTML."""

    label: str
    html: Markup


@dataclass(frozen=True, slots=True)
class QrView:
    """The VERI*FACTU block: heading, the symbol as a ``data:`` URL, legend."""

    title: str
    image_url: str
    legend: str


@dataclass(frozen=True, slots=True)
class InvoiceView:
    """Everything one invoice template prints."""

    lang: str
    template: InvoiceTemplate
    labels: Labels
    title: str
    number: str | None
    document_name: str | None
    watermark: str | None
    accent: str
    meta: tuple[tuple[str, str], ...]
    issuer: PartyView
    recipient: PartyView | None
    rectification: tuple[tuple[str, str], ...]
    show_discount: bool
    lines: tuple[LineView, ...]
    breakdown: tuple[BreakdownView, ...]
    totals: tuple[TotalView, ...]
    payment: tuple[tuple[str, str], ...]
    notes: str | None
    legal_notes: tuple[str, ...]
    euro_notes: tuple[str, ...]
    intro_texts: tuple[TextView, ...]
    close_texts: tuple[TextView, ...]
    qr: QrView | None
    footer: str

    @property
    def sum_rows(self) -> tuple[tuple[str, str], ...]:
        """The totals above the one to pay, as (label, value) rows."""
        return tuple((total.label, total.value) for total in self.totals if not total.grand)

    @property
    def grand_rows(self) -> tuple[tuple[str, str], ...]:
        """The total to pay (or to refund), printed larger."""
        return tuple((total.label, total.value) for total in self.totals if total.grand)


#: A space as wide as a word space that justification does not stretch (U+2004, three-per-em;
#: weasyprint stretches U+0020 and U+00A0 only).
_FIXED_SPACE = "\u2004"


def justified_rows(rows: tuple[tuple[str, str], ...]) -> str:
    """``rows`` as lines of one justified text block: the label at the left edge, the value at
    the right one, the single ordinary space between them the only one that stretches.

    One block of lines instead of a table of cells: each cell is a box weasyprint styles, lays
    out and draws, and a totals table was a fifth of a page's rendering time.
    """

    def fixed(text: str) -> str:
        return text.replace(" ", _FIXED_SPACE).replace("\u00a0", _FIXED_SPACE)

    return "\n".join(f"{fixed(label)} {fixed(value)}" for label, value in rows)


class _Writer:
    """Formats values of one document: its language, currency and formats bound once."""

    def __init__(self, document: InvoiceDocument) -> None:
        self.lang = document.lang
        self.currency = document.currency
        self.date_format = document.date_format
        self.money_format = MoneyFormat.parse(document.money_format)

    def money(self, value: Decimal, *, max_places: int = 2, currency: str | None = None) -> str:
        return format_money(
            value, currency or self.currency, self.money_format, self.lang, max_places=max_places
        )

    def date(self, value: dt.date) -> str:
        return format_date(value, self.date_format)

    def percent(self, value: Decimal) -> str:
        return format_percent(value, self.money_format, self.lang)

    def quantity(self, value: Decimal) -> str:
        return format_quantity(value, self.money_format)


def _party(role: str, party: Party, lang: str) -> PartyView:
    locality = " ".join(p for p in (party.postal_code, party.city) if p)
    country = Locale.parse(lang).territories.get(party.country, party.country)
    lines = (party.address, locality, party.province, country)
    return PartyView(
        role=role,
        name=party.name,
        tax_id=party.tax_id,
        address_lines=tuple(line for line in lines if line)
        + ((party.email,) if party.email else ()),
    )


def _title(document: InvoiceDocument, labels: Labels) -> str:
    if document.is_rectificative:
        return labels.rectificative_invoice
    if document.is_simplified:
        return labels.simplified_invoice
    return labels.invoice


def _tax_label(kind: str, name: str, labels: Labels) -> str:
    return {
        "vat": labels.vat,
        "withholding": labels.withholding,
        "surcharge": labels.surcharge,
    }.get(kind, name)


def _untaxed_label(row: TaxBreakdownRow, labels: Labels) -> str | None:
    """What an untaxed base is (exempt, not subject, reverse charge), or None when taxed."""
    if row.exemption_code:
        return f"{labels.exempt} ({row.exemption_code})"
    if row.qualification in ("N1", "N2"):
        return labels.not_subject
    if row.qualification == "S2":
        return labels.reverse_charge
    return None


def _breakdown_row(row: TaxBreakdownRow, labels: Labels, write: _Writer) -> BreakdownView:
    # An exempt, non-subject or reverse-charge base bears no tax: it is printed as what it is,
    # with no rate (its cuota is nil), never as an "IVA 0 %" row (a taxed supply at 0 %).
    untaxed = _untaxed_label(row, labels)
    if untaxed is not None:
        return BreakdownView(
            tax=untaxed, base=write.money(row.base), rate="", amount=write.money(row.amount)
        )
    # IRPF is printed as what it is, a withholding: its label says so, the rate is shown
    # unsigned and the amount keeps its minus sign because it is deducted from the total.
    rate = abs(row.percentage) if row.kind == "withholding" else row.percentage
    return BreakdownView(
        tax=_tax_label(row.kind, row.name, labels),
        base=write.money(row.base),
        rate=write.percent(rate),
        amount=write.money(row.amount),
    )


def _legal_notes(breakdown: tuple[TaxBreakdownRow, ...], labels: Labels) -> tuple[str, ...]:
    """The mentions RD 1619/2012 art. 6.1 j) and m) require for exempt, non-subject and
    reverse-charge operations, once each."""
    notes: list[str] = []
    for row in breakdown:
        if row.exemption_code:
            reference = EXEMPTION_REFERENCES.get(row.exemption_code, "")
            detail = f"{row.exemption_code}, {reference}" if reference else row.exemption_code
            note = f"{labels.exempt} ({detail})"
        elif row.qualification in ("N1", "N2"):
            note = labels.not_subject
        elif row.qualification == "S2":
            note = labels.reverse_charge
        else:
            continue
        if note not in notes:
            notes.append(note)
    return tuple(notes)


def _totals(document: InvoiceDocument, labels: Labels, write: _Writer) -> tuple[TotalView, ...]:
    totals: list[TotalView] = []
    if document.total_discount:
        totals.append(TotalView(labels.subtotal, write.money(document.subtotal)))
        totals.append(TotalView(labels.total_discount, write.money(-document.total_discount)))
    totals.append(TotalView(labels.tax_base, write.money(document.total_before_taxes)))
    if document.total_withholding:
        # Spanish practice: the invoice total (base + VAT) first, then the withholding deducted
        # from it, then what the customer actually pays.
        invoice_total = document.total_before_taxes + document.total_vat
        totals.append(TotalView(labels.total_invoice, write.money(invoice_total)))
        totals.append(TotalView(labels.withholding, write.money(document.total_withholding)))
    elif document.total_vat:
        totals.append(TotalView(labels.vat, write.money(document.total_vat)))
    if document.total_with_taxes < 0:
        # A credit note is not paid by the customer: it states what is refunded to them.
        refund = write.money(-document.total_with_taxes)
        totals.append(TotalView(labels.total_to_refund, refund, True))
    else:
        totals.append(TotalView(labels.total_to_pay, write.money(document.total_with_taxes), True))
    return tuple(totals)


#: One cent, the precision of an amount in euros.
_CENT = Decimal("0.01")


def euro_amount(amount: Decimal, rate: Decimal) -> Decimal:
    """``amount`` of a foreign currency in euros, ``rate`` being units of it per euro (the ECB
    convention, which is how the invoice stores it): ``amount / rate``, half up to the cent."""
    return (amount / rate).quantize(_CENT, rounding=ROUND_HALF_UP)


def _euro_notes(document: InvoiceDocument, labels: Labels, write: _Writer) -> tuple[str, ...]:
    """On an invoice in another currency, the rate and each tax in euros: Spanish VAT is
    declared in euros (LIVA art. 79.Once; RD 1619/2012 art. 10.1), so the invoice states it."""
    if document.currency == "EUR" or document.exchange_rate <= 0:
        return ()
    rate = format_quantity(document.exchange_rate, write.money_format)
    notes = [labels.exchange_rate.format(rate=rate, currency=document.currency)]
    for row in document.breakdown:
        if row.kind not in ("vat", "surcharge") or _untaxed_label(row, labels) is not None:
            continue
        euros = write.money(euro_amount(row.amount, document.exchange_rate), currency="EUR")
        tax = f"{_tax_label(row.kind, row.name, labels)} {write.percent(row.percentage)}"
        notes.append(f"{tax} {labels.in_euros}: {euros}")
    return tuple(notes)


def _line(line: DocumentLine, write: _Writer) -> LineView:
    return LineView(
        description=line.description,
        sku=line.sku,
        quantity=write.quantity(line.quantity),
        unit_price=write.money(line.price, max_places=6),
        discount=write.percent(line.discount) if line.discount else "",
        taxes=", ".join(tax.name for tax in line.taxes),
        amount=write.money(line.total_before_taxes),
    )


def _texts(texts: tuple[Text, ...], included: bool) -> tuple[TextView, ...]:
    if not included:
        return ()
    return tuple(TextView(text.label, render_markdown(text.text)) for text in texts if text.text)


def _meta(
    document: InvoiceDocument, number: str | None, labels: Labels, write: _Writer
) -> tuple[tuple[str, str], ...]:
    """Number and dates; the operation date only when it differs from the issue date."""
    meta = [(labels.number, number or labels.draft)]
    meta.append((labels.issue_date, write.date(document.issue_date)))
    if document.operation_date and document.operation_date != document.issue_date:
        meta.append((labels.operation_date, write.date(document.operation_date)))
    if document.due_date:
        meta.append((labels.due_date, write.date(document.due_date)))
    if document.external_reference:
        meta.append((labels.reference, document.external_reference))
    return tuple(meta)


def _rectification(
    rect: Rectification | None, labels: Labels, write: _Writer
) -> tuple[tuple[str, str], ...]:
    """The original invoice's number and date and the cause, as RD 1619/2012 art. 15 asks."""
    if rect is None:
        return ()
    cause = labels.causes.get(rect.cause, "")
    kind = labels.by_substitution if rect.kind == "S" else labels.by_differences
    rows = [
        (labels.rectified_invoice, rect.original_number),
        (labels.rectified_date, write.date(rect.original_date)),
        (labels.rectification_cause, f"{rect.cause} – {cause}" if cause else rect.cause),
        (labels.rectification_kind, kind),
    ]
    if rect.reason:
        rows.append((labels.rectification_reason, rect.reason))
    return tuple(rows)


def _payment(
    document: InvoiceDocument, labels: Labels, write: _Writer
) -> tuple[tuple[str, str], ...]:
    payment: list[tuple[str, str]] = []
    kind, text = document.payment_kind, document.payment_method
    if kind is not None and (not text or is_built_in_payment_name(kind, text)):
        # a method named only by its kind ("Bank transfer") is printed in the invoice language
        text = labels.payment_kinds.get(kind, text)
    if text:
        payment.append((labels.payment_method, text))
    if document.payment_iban and kind in (None, "bank_transfer"):
        payment.append(("IBAN", document.payment_iban))
    if document.payed_at:
        payment.append((labels.paid_on, write.date(document.payed_at)))
    return tuple(payment)


def _document_name(document: InvoiceDocument, labels: Labels) -> str | None:
    """The document's title; the one the rectification service gives (in Spanish) is printed
    in the invoice's language."""
    rect = document.rectification
    if rect is not None and document.name == SERVICE_RECTIFICATION_NAME.format(
        number=rect.original_number
    ):
        return labels.rectification_of.format(number=rect.original_number)
    return document.name


def _watermark(document: InvoiceDocument, labels: Labels) -> str | None:
    if document.status == "draft":
        return labels.draft.upper() + ("" if document.lang == "en" else " / DRAFT")
    if document.status == "annulled":
        return labels.annulled.upper()
    return None


def _accent(document: InvoiceDocument) -> str:
    # The colour goes into a stylesheet, so anything but a plain #rrggbb is ignored.
    brand = document.brand_color
    if document.template_options.use_company_color and brand and _HEX_COLOUR.fullmatch(brand):
        return brand.lower()
    return DEFAULT_ACCENT


def build_view(document: InvoiceDocument) -> InvoiceView:
    """Decide and format everything the template prints for ``document``."""
    labels = labels_for(document.lang)
    write = _Writer(document)
    is_draft = document.status == "draft"
    number = None if is_draft else document.full_number
    title = _title(document, labels)
    options = document.template_options

    # A draft is registered nowhere, so it never shows a tax-agency QR even if one is attached.
    qr = None
    if document.verifactu is not None and not is_draft:
        qr = QrView(QR_TITLE, qr_png_data_url(document.verifactu.qr_url), document.verifactu.legend)

    issuer_tax_id = f"{labels.tax_id} {document.issuer.tax_id}" if document.issuer.tax_id else ""
    footer = " · ".join(p for p in (document.issuer.name, issuer_tax_id, number or title) if p)
    recipient = document.recipient

    return InvoiceView(
        lang=document.lang,
        template=template_by_id(document.template_id),
        labels=labels,
        title=title,
        number=number,
        document_name=_document_name(document, labels),
        watermark=_watermark(document, labels),
        accent=_accent(document),
        meta=_meta(document, number, labels, write),
        issuer=_party(labels.issuer, document.issuer, document.lang),
        recipient=_party(labels.recipient, recipient, document.lang) if recipient else None,
        rectification=_rectification(document.rectification, labels, write),
        show_discount=any(line.discount for line in document.lines),
        lines=tuple(_line(line, write) for line in document.lines),
        breakdown=tuple(_breakdown_row(row, labels, write) for row in document.breakdown),
        totals=_totals(document, labels, write),
        payment=_payment(document, labels, write),
        notes=document.notes_public,
        legal_notes=_legal_notes(document.breakdown, labels),
        euro_notes=_euro_notes(document, labels, write),
        intro_texts=_texts(document.intro_texts, options.include_texts_before),
        close_texts=_texts(document.close_texts, options.include_texts_after),
        qr=qr,
        footer=footer,
    )
