"""The money engine: per-line figures, document totals and the per-rate tax breakdown.

Everything is ``Decimal``; amounts round to cents with ROUND_HALF_UP (half away from zero, so
a negated line gives exactly the negated figures). The formulas are DESIGN.md's:

    subtotal           = round2(quantity × price)
    total_discount     = round2(subtotal × discount / 100)
    total_before_taxes = subtotal − total_discount
    each tax total     = round2(total_before_taxes × percentage / 100)   (IRPF is negative)
    total_taxes        = Σ tax totals
    total_with_taxes   = total_before_taxes + total_taxes
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)

TAX_KINDS = ("vat", "withholding", "surcharge")


def round2(value: Decimal) -> Decimal:
    """Round to cents, half away from zero; never returns ``-0.00``."""
    rounded = value.quantize(CENT, rounding=ROUND_HALF_UP)
    return rounded if rounded != 0 else ZERO


@dataclass(frozen=True, slots=True)
class TaxRate:
    """A tax applied to a line: its kind and percentage (negative for withholding)."""

    kind: str
    percentage: Decimal
    name: str = ""


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


@dataclass(frozen=True, slots=True)
class LineFigures:
    subtotal: Decimal
    total_discount: Decimal
    total_before_taxes: Decimal
    taxes: tuple[TaxAmount, ...]
    total_taxes: Decimal
    total_with_taxes: Decimal


@dataclass(frozen=True, slots=True)
class BreakdownRow:
    """Base and amount per (tax kind, rate), in first-appearance order."""

    kind: str
    percentage: Decimal
    name: str
    base: Decimal
    amount: Decimal


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
            total=round2(base * tax.percentage / HUNDRED),
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


def breakdown(lines: Iterable[LineFigures]) -> tuple[BreakdownRow, ...]:
    """Group line taxes by (kind, percentage). The amount is the sum of the line amounts, so
    the breakdown always adds up to the document's total taxes to the cent."""
    rows: dict[tuple[str, Decimal], BreakdownRow] = {}
    for line in lines:
        for tax in line.taxes:
            key = (tax.kind, tax.percentage.normalize())
            row = rows.get(key)
            rows[key] = BreakdownRow(
                kind=tax.kind,
                percentage=tax.percentage,
                name=row.name if row else tax.name,
                base=(row.base if row else ZERO) + tax.base,
                amount=(row.amount if row else ZERO) + tax.total,
            )
    return tuple(rows.values())


def compute_document(lines: Sequence[LineInput]) -> DocumentFigures:
    figures = tuple(compute_line(line) for line in lines)
    return summarise(figures)


def summarise(figures: Sequence[LineFigures]) -> DocumentFigures:
    """Document totals are the sums of the line totals (never recomputed from the sums)."""
    vat = sum((t.total for f in figures for t in f.taxes if t.kind in ("vat", "surcharge")), ZERO)
    withholding = sum((t.total for f in figures for t in f.taxes if t.kind == "withholding"), ZERO)
    return DocumentFigures(
        lines=tuple(figures),
        subtotal=sum((f.subtotal for f in figures), ZERO),
        total_discount=sum((f.total_discount for f in figures), ZERO),
        total_before_taxes=sum((f.total_before_taxes for f in figures), ZERO),
        total_taxes=sum((f.total_taxes for f in figures), ZERO),
        total_with_taxes=sum((f.total_with_taxes for f in figures), ZERO),
        total_vat=vat,
        total_withholding=withholding,
        breakdown=breakdown(figures),
    )
