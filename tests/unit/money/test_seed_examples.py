"""The seeds' worked examples, to the cent, line by line: the money engine is the design's."""

from __future__ import annotations

from decimal import Decimal

from invoicegraph.domain.money import (
    LineInput,
    TaxRate,
    compute_document,
    compute_line,
    round2,
)

IVA21 = TaxRate("vat", Decimal("21"), "IVA (21%)")
IVA4 = TaxRate("vat", Decimal("4"), "IVA (4%)")
IRPF15 = TaxRate("withholding", Decimal("-15"), "IRPF (-15%)")


def D(text: str) -> Decimal:
    return Decimal(text)


def test_orzame_invoice_a_to_the_cent() -> None:
    consulting = LineInput(D("1"), D("2250"), D("5"), (IVA21,))
    development = LineInput(D("1"), D("1800"), D("0"), (IRPF15, IVA21))

    document = compute_document([consulting, development])

    first, second = document.lines
    assert first.subtotal == D("2250")
    assert first.total_discount == D("112.50")
    assert first.total_before_taxes == D("2137.50")
    assert [t.total for t in first.taxes] == [D("448.88")]
    assert first.total_taxes == D("448.88")
    assert first.total_with_taxes == D("2586.38")
    assert second.subtotal == D("1800") and second.total_discount == 0
    assert second.total_before_taxes == D("1800")
    assert [t.total for t in second.taxes] == [D("-270"), D("378")]
    assert second.total_taxes == D("108")
    assert second.total_with_taxes == D("1908")
    assert document.total_before_taxes == D("3937.50")
    assert document.total_taxes == D("556.88")
    assert document.total_with_taxes == D("4494.38")
    assert document.total_vat == D("826.88")
    assert document.total_withholding == D("-270")


def test_orzame_invoice_b_to_the_cent() -> None:
    product_one = LineInput(D("1"), D("2015"), D("10"), (IVA4,))
    service_two = LineInput(D("1"), D("2500"), D("15"), (IVA21, IRPF15))

    document = compute_document([product_one, service_two])

    first, second = document.lines
    assert (first.total_discount, first.total_before_taxes) == (D("201.5"), D("1813.5"))
    assert (first.total_taxes, first.total_with_taxes) == (D("72.54"), D("1886.04"))
    assert (second.total_discount, second.total_before_taxes) == (D("375"), D("2125"))
    assert [t.total for t in second.taxes] == [D("446.25"), D("-318.75")]
    assert (second.total_taxes, second.total_with_taxes) == (D("127.5"), D("2252.5"))
    assert document.total_before_taxes == D("3938.5")
    assert document.total_taxes == D("200.04")
    assert document.total_with_taxes == D("4138.54")


def test_facturovia_item_two_oil_filters_at_21_percent() -> None:
    line = compute_line(LineInput(D("2"), D("15.99"), D("0"), (IVA21,)))

    assert line.total_before_taxes == D("31.98")
    assert line.total_taxes == D("6.72")  # 6.7158
    assert line.total_with_taxes == D("38.70")


def test_the_breakdown_groups_by_kind_and_rate_and_adds_up() -> None:
    document = compute_document(
        [
            LineInput(D("1"), D("2250"), D("5"), (IVA21,)),
            LineInput(D("1"), D("1800"), D("0"), (IRPF15, IVA21)),
            LineInput(D("3"), D("10"), D("0"), (TaxRate("vat", D("21.00"), "IVA (21%)"),)),
        ]
    )

    rows = {(row.kind, row.percentage.normalize()): row for row in document.breakdown}
    assert len(rows) == 2  # 21 and 21.00 are one rate
    assert rows[("vat", D("21"))].base == D("3967.50")
    assert rows[("vat", D("21"))].amount == D("448.88") + D("378") + D("6.30")
    assert rows[("withholding", D("-15"))].amount == D("-270")
    assert sum(row.amount for row in document.breakdown) == document.total_taxes


def test_rounding_is_half_away_from_zero_and_never_negative_zero() -> None:
    assert round2(D("0.005")) == D("0.01")
    assert round2(D("-0.005")) == D("-0.01")
    assert round2(D("448.875")) == D("448.88")
    assert str(round2(D("-0.001"))) == "0.00"


def test_a_negated_line_gives_exactly_the_negated_figures() -> None:
    line = LineInput(D("3"), D("0.335"), D("12.5"), (IVA21, IRPF15))
    negated = LineInput(-line.quantity, line.price, line.discount, line.taxes)

    a, b = compute_line(line), compute_line(negated)

    assert b.subtotal == -a.subtotal and b.total_discount == -a.total_discount
    assert [t.total for t in b.taxes] == [-t.total for t in a.taxes]
    assert b.total_with_taxes == -a.total_with_taxes
