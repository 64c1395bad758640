"""Rectification and numbering rules, without a database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from invoicegraph.domain.errors import Conflict, ValidationFailed
from invoicegraph.domain.numbering import check_issue_date, check_number_format, format_number
from invoicegraph.domain.rectification import (
    Negation,
    OriginalLine,
    RectificationItem,
    check_cause,
    full_negation,
    partial_negation,
    rectified_status,
)


def lines(*specs: tuple[str, str | None, str, str]) -> list[OriginalLine]:
    return [
        OriginalLine(i + 1, description, reference, Decimal(quantity), Decimal(taken))
        for i, (description, reference, quantity, taken) in enumerate(specs)
    ]


ORIGINAL = lines(
    ("Filtro aceite REF-001", "REF-001", "1", "0"),
    ("Correa distribución REF-045", "REF-045", "2", "0"),
    ("Bujía", None, "4", "1"),
)


def test_items_match_by_reference_first_then_by_description() -> None:
    negations = partial_negation(
        ORIGINAL,
        [
            RectificationItem(Decimal(2), reference="ref-045", description="not this text"),
            RectificationItem(Decimal(3), description="  BUJÍA "),
        ],
    )

    assert negations == [Negation(2, Decimal(2)), Negation(3, Decimal(3))]


def test_a_reference_the_original_never_had_falls_back_to_the_description() -> None:
    """The Facturovia seed's return workflow: the original's items had no reference."""
    original = lines(("Filtro aceite REF-001", None, "1", "0"))

    negations = partial_negation(
        original,
        [RectificationItem(Decimal(1), reference="REF-001", description="Filtro aceite REF-001")],
    )

    assert negations == [Negation(1, Decimal(1))]


def test_a_wrong_reference_does_not_match_another_referenced_line_by_description() -> None:
    with pytest.raises(ValidationFailed) as refused:
        partial_negation(
            ORIGINAL,
            [
                RectificationItem(
                    Decimal(1), reference="REF-999", description="Filtro aceite REF-001"
                )
            ],
        )

    assert [(f.field, f.code) for f in refused.value.fields] == [("items.0.reference", "no_match")]


def test_every_offending_item_is_reported_at_once() -> None:
    with pytest.raises(ValidationFailed) as refused:
        partial_negation(
            ORIGINAL,
            [
                RectificationItem(Decimal(1), description="Nothing like it"),
                RectificationItem(Decimal(1), reference="NOPE"),
                RectificationItem(Decimal(4), description="Bujía"),  # 3 remain
                RectificationItem(Decimal(0), reference="REF-001"),
                RectificationItem(Decimal("0.00001"), reference="REF-001"),
                RectificationItem(Decimal("NaN"), reference="REF-001"),
            ],
        )

    assert [(f.field, f.code) for f in refused.value.fields] == [
        ("items.0.description", "no_match"),
        ("items.1.reference", "no_match"),
        ("items.2.quantity", "exceeds_remaining"),
        ("items.3.quantity", "invalid"),
        ("items.4.quantity", "invalid"),
        ("items.5.quantity", "invalid"),
    ]
    assert "(3)" in refused.value.fields[2].message


def test_two_items_on_one_line_share_what_remains() -> None:
    with pytest.raises(ValidationFailed) as refused:
        partial_negation(
            ORIGINAL,
            [
                RectificationItem(Decimal(2), description="Bujía"),
                RectificationItem(Decimal(2), description="Bujía"),
            ],
        )

    assert [f.field for f in refused.value.fields] == ["items.1.quantity"]
    assert "(1)" in refused.value.fields[0].message


def test_identical_lines_are_taken_in_order() -> None:
    twins = lines(("Caja", None, "2", "1"), ("Caja", None, "3", "0"))

    assert partial_negation(twins, [RectificationItem(Decimal(3), description="caja")]) == [
        Negation(1, Decimal(1)),
        Negation(2, Decimal(2)),
    ]


def test_no_items_is_refused() -> None:
    with pytest.raises(ValidationFailed) as refused:
        partial_negation(ORIGINAL, [])
    assert refused.value.fields[0].field == "items"


def test_full_negation_takes_what_remains_and_refuses_when_nothing_does() -> None:
    assert full_negation(ORIGINAL) == [
        Negation(1, Decimal(1)),
        Negation(2, Decimal(2)),
        Negation(3, Decimal(3)),
    ]
    with pytest.raises(Conflict):
        full_negation(lines(("A", None, "1", "1")))


def test_rectified_status_none_partial_full() -> None:
    fresh = lines(("A", None, "2", "0"), ("B", None, "1", "0"))

    assert rectified_status(fresh, {}) == "none"
    assert rectified_status(fresh, {1: Decimal(1)}) == "partial"
    assert rectified_status(fresh, {1: Decimal(2), 2: Decimal(1)}) == "full"
    assert rectified_status(lines(("A", None, "2", "1")), {}) == "partial"


@pytest.mark.parametrize("cause", ["R1", "R2", "R3", "r4 "])
def test_causes_r1_to_r4_rectify_an_ordinary_invoice(cause: str) -> None:
    assert check_cause(cause, original_is_simplified=False) == cause.strip().upper()


def test_r5_is_only_for_simplified_invoices() -> None:
    assert check_cause("R5", original_is_simplified=True) == "R5"
    for cause, simplified in (("R5", False), ("R1", True), ("R9", False), ("", False)):
        with pytest.raises(ValidationFailed) as refused:
            check_cause(cause, original_is_simplified=simplified, field="causa_rectificacion")
        assert refused.value.fields[0].field == "causa_rectificacion"


def test_issue_dates_follow_the_series_and_never_lie_in_the_future() -> None:
    today = dt.date(2025, 3, 10)
    check_issue_date(today, last_issue_date=today, today=today)
    check_issue_date(dt.date(2025, 3, 1), last_issue_date=None, today=today)
    for date, last in ((dt.date(2025, 3, 9), today), (dt.date(2025, 3, 11), None)):
        with pytest.raises(ValidationFailed) as refused:
            check_issue_date(date, last_issue_date=last, today=today)
        assert refused.value.fields[0].field == "date"


def test_number_formats() -> None:
    day = dt.date(2025, 1, 2)
    assert format_number("{code}{number}", "F", 7, day) == "F7"
    assert format_number(check_number_format("{code}{year}/{number:05d}"), "F", 7, day) == (
        "F2025/00007"
    )
    for bad in ("{code}", "{code}{number}{other}", "{number", "{number:q}"):
        with pytest.raises(ValidationFailed):
            check_number_format(bad)
