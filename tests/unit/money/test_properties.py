"""Properties of the money engine and of rectification, over any lines Hypothesis can find.

- an invoice's bases are the sums of its lines, its taxes are rounded once per rate;
- a full rectification (every line negated) sums to exactly zero with the original;
- partial rectifications in random splits never take more than the original (the domain
  refuses beyond what remains) and, closed by a final full one, cancel its bases exactly and
  its taxes to within the rounding of each document's rates.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from invoicegraph.domain.errors import Conflict, ValidationFailed
from invoicegraph.domain.money import (
    BreakdownKey,
    DocumentFigures,
    LineFigures,
    LineInput,
    TaxRate,
    closing_negation,
    compute_document,
    compute_line,
    line_keys,
    summarise,
)
from invoicegraph.domain.rectification import (
    OriginalLine,
    RectificationItem,
    full_negation,
    partial_negation,
)

IVA21 = TaxRate("vat", Decimal("21"), "IVA (21%)")
IVA10 = TaxRate("vat", Decimal("10"), "IVA (10%)")
IVA4 = TaxRate("vat", Decimal("4"), "IVA (4%)")
RE52 = TaxRate("surcharge", Decimal("5.2"), "Recargo (5.2%)")
IRPF15 = TaxRate("withholding", Decimal("-15"), "IRPF (-15%)")
IRPF7 = TaxRate("withholding", Decimal("-7"), "IRPF (-7%)")
TAX_SETS = [(), (IVA21,), (IVA21, IRPF15), (IRPF7, IVA10), (IVA4,), (IVA21, RE52, IRPF15)]
TOTALS = (
    "subtotal",
    "total_discount",
    "total_before_taxes",
    "total_taxes",
    "total_with_taxes",
    "total_vat",
    "total_withholding",
)


def decimals(low: str, high: str, places: int) -> st.SearchStrategy[Decimal]:
    return st.decimals(Decimal(low), Decimal(high), places=places)


positive_quantities = decimals("0.0001", "500", 4).filter(lambda q: q > 0)
lines_strategy = st.builds(
    LineInput,
    quantity=decimals("-500", "500", 4),
    price=decimals("-5000", "5000", 6),
    discount=decimals("0", "100", 2),
    taxes=st.sampled_from(TAX_SETS),
)
sale_lines = st.builds(
    LineInput,
    quantity=positive_quantities,
    price=decimals("0", "5000", 6),
    discount=decimals("0", "100", 2),
    taxes=st.sampled_from(TAX_SETS),
)


def negated(line: LineInput, quantity: Decimal | None = None) -> LineInput:
    return LineInput(-(quantity or line.quantity), line.price, line.discount, line.taxes)


def assert_sums_to_zero(documents: list[DocumentFigures], *, exact: bool = True) -> None:
    """Bases always cancel out exactly. Taxes too when the rectificative negates the whole
    invoice at once; rectifications in parts each round their own rates once, so together they
    may leave at most half a cent per document and rate."""
    for name in ("subtotal", "total_discount", "total_before_taxes"):
        assert sum(getattr(d, name) for d in documents) == 0, name
    tolerance = Decimal(0) if exact else Decimal("0.005") * len(documents)
    for name in TOTALS[3:]:
        assert abs(sum(getattr(d, name) for d in documents)) <= 3 * tolerance, name
    per_rate: dict[tuple[str, Decimal], Decimal] = defaultdict(Decimal)
    per_rate_base: dict[tuple[str, Decimal], Decimal] = defaultdict(Decimal)
    for document in documents:
        for row in document.breakdown:
            per_rate[(row.kind, row.percentage.normalize())] += row.amount
            per_rate_base[(row.kind, row.percentage.normalize())] += row.base
    assert all(base == 0 for base in per_rate_base.values()), per_rate_base
    assert all(abs(amount) <= tolerance for amount in per_rate.values()), per_rate


@settings(deadline=None)  # a loaded CI machine is no counterexample
@given(st.lists(lines_strategy, min_size=1, max_size=12))
def test_document_taxes_are_rounded_once_per_rate_on_the_summed_base(
    lines: list[LineInput],
) -> None:
    document = compute_document(lines)
    figures = [compute_line(line) for line in lines]

    assert document.subtotal == sum(f.subtotal for f in figures)
    assert document.total_discount == sum(f.total_discount for f in figures)
    assert document.total_before_taxes == sum(f.total_before_taxes for f in figures)
    assert document.total_with_taxes == document.total_before_taxes + document.total_taxes
    assert document.total_vat + document.total_withholding == document.total_taxes
    assert sum(row.amount for row in document.breakdown) == document.total_taxes
    bases: dict[BreakdownKey, Decimal] = defaultdict(Decimal)
    line_taxes: dict[BreakdownKey, Decimal] = defaultdict(Decimal)
    for line in figures:
        for tax, (key, _, _) in zip(line.taxes, line_keys(line.taxes), strict=True):
            bases[key] += tax.base
            line_taxes[key] += tax.total
    for row in document.breakdown:
        key = row.key
        assert row.base == bases[key]
        exact = row.base * row.percentage / 100
        assert abs(row.amount - exact) <= Decimal("0.005")
        # the informative line taxes drift by at most half a cent a line
        assert abs(row.amount - line_taxes[key]) <= Decimal("0.005") * (len(lines) + 1)
    for value in (document.total_with_taxes, *(f.total_with_taxes for f in figures)):
        assert value == value.quantize(Decimal("0.01"))


def test_five_hundred_lines_of_twelve_cents_carry_twelve_sixty_of_iva() -> None:
    """Issue 14 point 3: per-line rounding charged 500 × 0.03 = 15.00 €."""
    document = compute_document([LineInput(Decimal(1), Decimal("0.12"), taxes=(IVA21,))] * 500)

    assert document.total_before_taxes == Decimal("60.00")
    assert [(row.base, row.amount) for row in document.breakdown] == [
        (Decimal("60.00"), Decimal("12.60"))
    ]
    assert (document.total_taxes, document.total_with_taxes) == (
        Decimal("12.60"),
        Decimal("72.60"),
    )
    assert document.lines[0].total_taxes == Decimal("0.03")  # informative


@settings(deadline=None)
@given(st.lists(lines_strategy, min_size=1, max_size=12))
def test_a_full_rectification_sums_to_exactly_zero(lines: list[LineInput]) -> None:
    original = compute_document(lines)
    rectificative = compute_document([negated(line) for line in lines])

    assert_sums_to_zero([original, rectificative])
    for line, negative in zip(original.lines, rectificative.lines, strict=True):
        assert negative.total_with_taxes == -line.total_with_taxes
        assert [t.total for t in negative.taxes] == [-t.total for t in line.taxes]


@st.composite
def rectification_plans(
    draw: st.DrawFn,
) -> tuple[list[LineInput], list[list[tuple[int, Decimal]]]]:
    """Lines of an invoice, and partial requests (line index, quantity) in random splits —
    some of them asking for more than what remains."""
    lines = draw(st.lists(sale_lines, min_size=1, max_size=5))
    requests = draw(
        st.lists(
            st.lists(
                st.tuples(
                    st.integers(0, len(lines) - 1),
                    st.sampled_from(["quarter", "third", "half", "all", "too_much", "unit"]),
                ),
                min_size=1,
                max_size=4,
            ),
            max_size=6,
        )
    )
    plan: list[list[tuple[int, Decimal]]] = []
    for request in requests:
        items = []
        for index, share in request:
            quantity = lines[index].quantity
            wanted = {
                "quarter": quantity / 4,
                "third": quantity / 3,
                "half": quantity / 2,
                "all": quantity,
                "too_much": quantity + Decimal("0.0001"),
                "unit": Decimal(1),
            }[share].quantize(Decimal("0.0001"))
            if wanted > 0:
                items.append((index, wanted))
        if items:
            plan.append(items)
    return lines, plan


@settings(max_examples=150, deadline=None)
@given(rectification_plans())
def test_partial_rectifications_never_exceed_and_close_to_zero(
    plan: tuple[list[LineInput], list[list[tuple[int, Decimal]]]],
) -> None:
    lines, requests = plan
    originals = [compute_line(line) for line in lines]
    taken: dict[int, Decimal] = defaultdict(Decimal)
    earlier: dict[int, list[LineFigures]] = defaultdict(list)
    documents = [summarise(originals)]

    def state() -> list[OriginalLine]:
        return [
            OriginalLine(i, f"line {i}", None, line.quantity, taken[i])
            for i, line in enumerate(lines)
        ]

    def rectify(negations: list[tuple[int, Decimal]]) -> None:
        figures = []
        for line_id, quantity in negations:
            remaining = lines[line_id].quantity - taken[line_id]
            assert 0 < quantity <= remaining
            if quantity == remaining:
                line_figures = closing_negation(originals[line_id], earlier[line_id])
            else:
                line_figures = compute_line(negated(lines[line_id], quantity))
            earlier[line_id].append(line_figures)
            taken[line_id] += quantity
            figures.append(line_figures)
        documents.append(summarise(figures))

    for request in requests:
        items = [RectificationItem(q, description=f"line {i}") for i, q in request]
        asked: dict[int, Decimal] = defaultdict(Decimal)
        for index, quantity in request:
            asked[index] += quantity
        exceeds = any(q > lines[i].quantity - taken[i] for i, q in asked.items())
        try:
            negations = partial_negation(state(), items)
        except ValidationFailed as refused:
            assert exceeds
            assert {f.code for f in refused.fields} == {"exceeds_remaining"}
            continue
        assert not exceeds
        rectify([(n.line_id, n.quantity) for n in negations])

    for i, line in enumerate(lines):
        assert taken[i] <= line.quantity
    if all(taken[i] == line.quantity for i, line in enumerate(lines)):
        try:
            full_negation(state())
        except Conflict:
            pass
        else:
            raise AssertionError("a fully rectified invoice was rectified again")
    else:
        rectify([(n.line_id, n.quantity) for n in full_negation(state())])

    assert all(taken[i] == line.quantity for i, line in enumerate(lines))
    assert_sums_to_zero(documents, exact=False)


def test_two_units_taken_one_at_a_time_still_close_to_the_cent() -> None:
    """2 × 0.25 at 21 %: the invoice has 0.11 of IVA; one unit alone prices at 0.05."""
    line = LineInput(Decimal(2), Decimal("0.25"), Decimal(0), (IVA21,))
    original = compute_line(line)
    first = compute_line(negated(line, Decimal(1)))
    last = closing_negation(original, [first])

    assert original.total_taxes == Decimal("0.11") and first.total_taxes == Decimal("-0.05")
    assert last.total_taxes == Decimal("-0.06")
    assert original.total_with_taxes + first.total_with_taxes + last.total_with_taxes == 0
    assert compute_line(negated(line, Decimal(1))).total_taxes == Decimal("-0.05")
