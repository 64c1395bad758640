"""Dates and amounts are written as each invoice asks, whatever the reader's locale."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from invoicegraph.pdf.formatting import (
    DATE_FORMATS,
    MONEY_FORMATS,
    MoneyFormat,
    format_date,
    format_money,
    format_percent,
    format_quantity,
)

NBSP = "\u00a0"
D = Decimal


def test_every_date_format_the_info_endpoint_lists_is_understood() -> None:
    day = dt.date(2024, 3, 9)

    written = {fmt: format_date(day, fmt) for fmt in DATE_FORMATS}

    assert written == {
        "dd/mm/yyyy": "09/03/2024",
        "mm/dd/yyyy": "03/09/2024",
        "yyyy-mm-dd": "2024-03-09",
        "dd-mm-yyyy": "09-03-2024",
        "dd.mm.yyyy": "09.03.2024",
    }


def test_an_unknown_date_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown date format"):
        format_date(dt.date(2024, 3, 9), "yy/mm/dd")


def test_money_formats_combine_position_thousands_and_decimal_but_never_twice_the_same_mark() -> (
    None
):
    assert len(MONEY_FORMATS) == 24
    assert "symbol_before,none,point" in MONEY_FORMATS  # the seed's format
    assert "code_after,space,comma" in MONEY_FORMATS
    assert "symbol_after,point,point" not in MONEY_FORMATS
    assert "symbol_before,comma,comma" not in MONEY_FORMATS


@pytest.mark.parametrize(
    ("money_format", "expected"),
    [
        ("symbol_before,none,point", "€4494.38"),
        ("symbol_before,comma,point", "€4,494.38"),
        ("symbol_after,point,comma", f"4.494,38{NBSP}€"),
        ("symbol_after,space,comma", f"4{NBSP}494,38{NBSP}€"),
        ("code_before,comma,point", f"EUR{NBSP}4,494.38"),
        ("code_after,none,comma", f"4494,38{NBSP}EUR"),
    ],
)
def test_amounts_follow_the_invoice_money_format(money_format: str, expected: str) -> None:
    written = format_money(D("4494.38"), "EUR", MoneyFormat.parse(money_format), "es")

    assert written == expected


def test_a_negative_amount_leads_with_its_sign() -> None:
    fmt = MoneyFormat.parse("symbol_before,comma,point")

    assert format_money(D("-270"), "EUR", fmt, "en") == "-€270.00"
    assert format_money(D("-1633.5"), "USD", fmt, "en") == "-$1,633.50"


def test_currency_symbols_come_from_the_invoice_language() -> None:
    fmt = MoneyFormat.parse("symbol_before,comma,point")

    assert format_money(D("10"), "USD", fmt, "en") == "$10.00"
    assert format_money(D("10"), "USD", fmt, "es") == "US$10.00"
    assert format_money(D("10"), "ARS", fmt, "gl") == f"ARS{NBSP}10.00"


def test_amounts_are_rounded_half_away_from_zero() -> None:
    fmt = MoneyFormat.parse("symbol_after,none,point")

    assert format_money(D("0.125"), "EUR", fmt, "es") == f"0.13{NBSP}€"
    assert format_money(D("-0.125"), "EUR", fmt, "es") == f"-0.13{NBSP}€"


def test_unit_prices_keep_up_to_six_decimals_and_at_least_two() -> None:
    fmt = MoneyFormat.parse("symbol_after,point,comma")

    assert format_money(D("12.345600"), "EUR", fmt, "es", max_places=6) == f"12,3456{NBSP}€"
    assert format_money(D("2250"), "EUR", fmt, "es", max_places=6) == f"2.250,00{NBSP}€"
    assert format_money(D("-0.004"), "EUR", fmt, "es", max_places=6) == f"-0,004{NBSP}€"
    assert format_money(D("-0.004"), "EUR", fmt, "es") == f"0,00{NBSP}€"


def test_quantities_show_the_decimals_they_have() -> None:
    fmt = MoneyFormat.parse("symbol_after,point,comma")

    assert format_quantity(D("1"), fmt) == "1"
    assert format_quantity(D("2.500"), fmt) == "2,5"
    assert format_quantity(D("-1250"), fmt) == "-1.250"


def test_percentages_follow_each_language_habit() -> None:
    fmt = MoneyFormat.parse("symbol_after,point,comma")

    assert format_percent(D("21"), fmt, "es") == f"21{NBSP}%"
    assert format_percent(D("5.5"), fmt, "en") == "5,5%"
    assert format_percent(D("21"), fmt, "eu") == f"%{NBSP}21"


def test_an_unknown_money_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown money format"):
        MoneyFormat.parse("symbol_before,point,point")
