"""The money engine: per-line figures, document totals and the per-rate tax breakdown.

Everything is ``Decimal``; amounts round to cents with ROUND_HALF_UP (half away from zero, so
a negated line gives exactly the negated figures). Per line (informative figures, DESIGN.md):

    subtotal           = round2(quantity × price)
    total_discount     = round2(subtotal × discount / 100)
    total_before_taxes = subtotal − total_discount
    each tax total     = round2(total_before_taxes × percentage / 100)   (IRPF is negative)
    total_taxes        = Σ tax totals
    total_with_taxes   = total_before_taxes + total_taxes

The document's tax is not the sum of those line taxes: each breakdown row (tax kind, rate and
the codes that keep legally distinct operations apart) takes the sum of its lines' bases and
rounds its amount once (EN 16931 BR-CO-17), so 500 lines × 0.12 € at 21 % are 12.60 € of IVA,
not 500 × 0.03. The document totals are the sums of the rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)

TAX_KINDS = ("vat", "withholding", "surcharge")

EXCHANGE_RATE_MEANING = (
    "Units of the invoice currency per euro (the ECB convention: USD 1.0834 means "
    "1 EUR = 1.0834 USD, so 252.00 USD = 232.60 EUR). 1 for EUR."
)


def round2(value: Decimal) -> Decimal:
    """Round to cents, half away from zero; never returns ``-0.00``."""
    rounded = value.quantize(CENT, rounding=ROUND_HALF_UP)
    return rounded if rounded != 0 else ZERO


@dataclass(frozen=True, slots=True)
class TaxCodes:
    """What keeps two taxes of the same kind and rate in separate breakdown rows: the tax
    (``impuesto`` 01 IVA, 02 IPSI, 03 IGIC), the regime, the qualification and the exemption
    cause. An exempt sale and a 0 % sale, or IVA and IGIC, are never summed together."""

    impuesto: str = "01"
    regime_key: str = "01"
    qualification: str = "S1"
    exemption_code: str | None = None


NO_CODES = TaxCodes()


@dataclass(frozen=True, slots=True)
class TaxRate:
    """A tax applied to a line: its kind and percentage (negative for withholding)."""

    kind: str
    percentage: Decimal
    name: str = ""
    codes: TaxCodes = NO_CODES


@dataclass(frozen=True, slots=True)
class LineInput:
    quantity: Decimal
    price: Decimal
    discount: Decimal = Decimal("0")
    taxes: tuple[TaxRate, ...] = ()


@dataclass(frozen=True, slots=True)
class TaxAmount:
    kind: str
    percentage: Decimal
    name: str
    base: Decimal
    total: Decimal
    codes: TaxCodes = NO_CODES


@dataclass(frozen=True, slots=True)
class LineFigures:
    subtotal: Decimal
    total_discount: Decimal
    total_before_taxes: Decimal
    taxes: tuple[TaxAmount, ...]
    total_taxes: Decimal
    total_with_taxes: Decimal


BreakdownKey = tuple[str, Decimal, TaxCodes, Decimal | None]


@dataclass(frozen=True, slots=True)
class BreakdownRow:
    """Base and amount per (tax kind, rate), in first-appearance order.

    ``amount`` is ``round2(base × percentage / 100)``, rounded once on the summed base.
    ``paired_rate`` ties IVA and its equivalence surcharge: on an IVA row the surcharge rate
    its lines carry (None without one), on a surcharge row the IVA rate it goes with; a
    surcharge row's ``codes`` are those of that IVA. So the lines of one IVA row are exactly
    the lines of its surcharge row, as the VERI*FACTU record and the e-invoices need.
    """

    kind: str
    percentage: Decimal
    name: str
    base: Decimal
    amount: Decimal
    codes: TaxCodes = NO_CODES
    paired_rate: Decimal | None = None

    @property
    def key(self) -> BreakdownKey:
        return breakdown_key(self.kind, self.percentage, self.codes, self.paired_rate)


@dataclass(frozen=True, slots=True)
class DocumentFigures:
    lines: tuple[LineFigures, ...]
    subtotal: Decimal
    total_discount: Decimal
    total_before_taxes: Decimal
    total_taxes: Decimal
    total_with_taxes: Decimal
    total_vat: Decimal  # VAT + equivalence surcharge: what VERI*FACTU calls CuotaTotal
    total_withholding: Decimal
    breakdown: tuple[BreakdownRow, ...]


def compute_line(line: LineInput) -> LineFigures:
    subtotal = round2(line.quantity * line.price)
    total_discount = round2(subtotal * line.discount / HUNDRED)
    base = subtotal - total_discount
    taxes = tuple(
        TaxAmount(
            kind=tax.kind,
            percentage=tax.percentage,
            name=tax.name,
            base=base,
            total=tax_on(base, tax.percentage),
            codes=tax.codes,
        )
        for tax in line.taxes
    )
    total_taxes = sum((t.total for t in taxes), ZERO)
    return LineFigures(
        subtotal=subtotal,
        total_discount=total_discount,
        total_before_taxes=base,
        taxes=taxes,
        total_taxes=total_taxes,
        total_with_taxes=base + total_taxes,
    )


def closing_negation(original: LineFigures, earlier: Iterable[LineFigures]) -> LineFigures:
    """The figures of the rectification that takes back all that remains of a line.

    Each rectification is rounded on its own quantity, so pricing the last part by quantity
    may leave a cent of the original behind (2 × 0.25 at 21 %: 0.11 of IVA, but 0.05 + 0.05
    for two units taken one at a time). The closing one is instead the negated remainder of
    every figure, so a fully rectified line always sums to exactly zero with its
    rectifications. ``earlier`` are the (negative) figures of the earlier rectifications.
    """
    earlier = tuple(earlier)

    def left(name: str) -> Decimal:
        value: Decimal = getattr(original, name)
        return round2(-(value + sum((getattr(f, name) for f in earlier), ZERO)))

    taxes = tuple(
        TaxAmount(
            kind=tax.kind,
            percentage=tax.percentage,
            name=tax.name,
            base=round2(-(tax.base + sum((f.taxes[i].base for f in earlier), ZERO))),
            total=round2(-(tax.total + sum((f.taxes[i].total for f in earlier), ZERO))),
            codes=tax.codes,
        )
        for i, tax in enumerate(original.taxes)
    )
    return LineFigures(
        subtotal=left("subtotal"),
        total_discount=left("total_discount"),
        total_before_taxes=left("total_before_taxes"),
        taxes=taxes,
        total_taxes=left("total_taxes"),
        total_with_taxes=left("total_with_taxes"),
    )


def tax_on(base: Decimal, percentage: Decimal) -> Decimal:
    return round2(base * percentage / HUNDRED)


def breakdown_key(
    kind: str, percentage: Decimal, codes: TaxCodes, paired_rate: Decimal | None
) -> BreakdownKey:
    """Rates compare by value (21 and 21.00 are one rate)."""
    paired = paired_rate.normalize() if paired_rate is not None else None
    return (kind, percentage.normalize(), codes, paired)


def line_keys(
    taxes: Sequence[TaxAmount],
) -> tuple[tuple[BreakdownKey, TaxCodes, Decimal | None], ...]:
    """The breakdown row of each of a line's taxes, with the row's codes and paired rate."""
    vat = next((t for t in taxes if t.kind == "vat"), None)
    surcharge = next((t for t in taxes if t.kind == "surcharge"), None)
    keys = []
    for tax in taxes:
        codes, paired = NO_CODES, None
        if tax.kind == "vat":
            codes = tax.codes
            paired = surcharge.percentage if surcharge is not None else None
        elif tax.kind == "surcharge" and vat is not None:
            codes, paired = vat.codes, vat.percentage
        elif tax.kind == "surcharge":
            codes = tax.codes
        keys.append((breakdown_key(tax.kind, tax.percentage, codes, paired), codes, paired))
    return tuple(keys)


def breakdown(lines: Iterable[LineFigures]) -> tuple[BreakdownRow, ...]:
    """Group line taxes into rows and compute each row's amount once on its summed base."""
    return breakdown_of_taxes(line.taxes for line in lines)


def breakdown_of_taxes(lines: Iterable[Sequence[TaxAmount]]) -> tuple[BreakdownRow, ...]:
    """``breakdown`` given only each line's taxes."""
    rows: dict[BreakdownKey, BreakdownRow] = {}
    for taxes in lines:
        for tax, (key, codes, paired) in zip(taxes, line_keys(taxes), strict=True):
            row = rows.get(key)
            rows[key] = BreakdownRow(
                kind=tax.kind,
                percentage=row.percentage if row else tax.percentage,
                name=row.name if row else tax.name,
                base=(row.base if row else ZERO) + tax.base,
                amount=ZERO,
                codes=codes,
                paired_rate=row.paired_rate if row else paired,
            )
    return tuple(
        BreakdownRow(
            kind=row.kind,
            percentage=row.percentage,
            name=row.name,
            base=row.base,
            amount=tax_on(row.base, row.percentage),
            codes=row.codes,
            paired_rate=row.paired_rate,
        )
        for row in rows.values()
    )


def compute_document(lines: Sequence[LineInput]) -> DocumentFigures:
    figures = tuple(compute_line(line) for line in lines)
    return summarise(figures)


def summarise(figures: Sequence[LineFigures]) -> DocumentFigures:
    """Bases are the sums of the line bases; taxes are the sums of the breakdown rows."""
    rows = breakdown(figures)
    vat = sum((r.amount for r in rows if r.kind in ("vat", "surcharge")), ZERO)
    withholding = sum((r.amount for r in rows if r.kind == "withholding"), ZERO)
    total_taxes = sum((r.amount for r in rows), ZERO)
    base = sum((f.total_before_taxes for f in figures), ZERO)
    return DocumentFigures(
        lines=tuple(figures),
        subtotal=sum((f.subtotal for f in figures), ZERO),
        total_discount=sum((f.total_discount for f in figures), ZERO),
        total_before_taxes=base,
        total_taxes=total_taxes,
        total_with_taxes=base + total_taxes,
        total_vat=vat,
        total_withholding=withholding,
        breakdown=rows,
    )


class StoredTax(Protocol):
    """A stored line-tax snapshot (invoice or quote); the codes are optional attributes."""

    kind: str
    percentage: Decimal
    name: str
    base: Decimal
    total: Decimal


class StoredLine(Protocol):
    subtotal: Decimal
    total_discount: Decimal
    total_before_taxes: Decimal
    total_taxes: Decimal
    total_with_taxes: Decimal

    @property
    def taxes(self) -> Sequence[StoredTax]: ...


def stored_codes(tax: object) -> TaxCodes:
    codes = TaxCodes(
        impuesto=getattr(tax, "impuesto", None) or "01",
        regime_key=getattr(tax, "regime_key", None) or "01",
        qualification=getattr(tax, "qualification", None) or "S1",
        exemption_code=getattr(tax, "exemption_code", None),
    )
    return NO_CODES if codes == NO_CODES else codes


def stored_tax(tax: StoredTax) -> TaxAmount:
    return TaxAmount(
        kind=tax.kind,
        percentage=tax.percentage,
        name=tax.name,
        base=tax.base,
        total=tax.total,
        codes=stored_codes(tax),
    )


def stored_figures(line: StoredLine) -> LineFigures:
    """A stored line's figures as written, with its taxes' codes."""
    return LineFigures(
        subtotal=line.subtotal,
        total_discount=line.total_discount,
        total_before_taxes=line.total_before_taxes,
        taxes=tuple(stored_tax(t) for t in line.taxes),
        total_taxes=line.total_taxes,
        total_with_taxes=line.total_with_taxes,
    )


class StoredTaxes(Protocol):
    @property
    def taxes(self) -> Sequence[StoredTax]: ...


def stored_breakdown(lines: Iterable[StoredTaxes]) -> tuple[BreakdownRow, ...]:
    """The breakdown of stored lines: what every face and document states. Reads only the
    lines' taxes (kind, name, percentage, base, total and the codes when present)."""
    return breakdown_of_taxes(tuple(stored_tax(t) for t in line.taxes) for line in lines)
