"""Numbers in e-invoice XML: plain notation, fixed cents for money, no negative zero."""

from __future__ import annotations

from decimal import Decimal

import pytest
from lxml import etree

from invoicegraph.pdf.einvoice.xmltree import amount, decimal, optional_child


@pytest.mark.parametrize(
    ("value", "text"),
    [("448.875", "448.88"), ("-448.875", "-448.88"), ("-0.001", "0.00"), ("1E+3", "1000.00")],
)
def test_amounts_have_two_decimals_rounded_half_away_from_zero(value: str, text: str) -> None:
    assert amount(Decimal(value)) == text


@pytest.mark.parametrize(
    ("value", "min_places", "text"),
    [
        ("12.500", 0, "12.5"),
        ("1E+1", 0, "10"),
        ("21", 2, "21.00"),
        ("18.333333", 2, "18.333333"),
        ("-0", 0, "0"),
    ],
)
def test_decimals_drop_trailing_zeros_down_to_a_minimum(
    value: str, min_places: int, text: str
) -> None:
    assert decimal(Decimal(value), min_places=min_places) == text


def test_blank_text_makes_no_element() -> None:
    parent = etree.Element("root")

    assert optional_child(parent, "Note", "   ") is None
    assert optional_child(parent, "Note", None) is None
    assert len(parent) == 0
