"""Dates, money, quantities and percentages written the way the invoice asks.

An invoice carries its own ``date_format`` and ``money_format`` (the /v1 dialect lets the client
choose them per invoice), so numbers are not formatted by the reader's locale: the separators and
the symbol position come from the invoice, and only the currency *symbol* comes from the
invoice's language (Babel's CLDR data), because "US$" and "$" are both right, in different
languages. The option lists are exported so the /v1 ``/info`` endpoint can offer exactly what the
renderer understands.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel.numbers import get_currency_symbol

NBSP = "\u00a0"

#: Date formats an invoice may ask for, as the /v1 dialect spells them.
DATE_FORMATS: tuple[str, ...] = (
    "dd/mm/yyyy",
    "mm/dd/yyyy",
    "yyyy-mm-dd",
    "dd-mm-yyyy",
    "dd.mm.yyyy",
)

#: Where the currency goes: its symbol or its ISO code, before or after the amount.
MONEY_SYMBOL_POSITIONS: tuple[str, ...] = (
    "symbol_before",
    "symbol_after",
    "code_before",
    "code_after",
)
#: Thousands separators by name; "space" is a no-break space so an amount never wraps.
MONEY_THOUSANDS_SEPARATORS: dict[str, str] = {"none": "", "point": ".", "comma": ",", "space": NBSP}
#: Decimal separators by name.
MONEY_DECIMAL_SEPARATORS: dict[str, str] = {"point": ".", "comma": ","}

#: Every money format an invoice may ask for: "position,thousands,decimal". A thousands separator
#: equal to the decimal one would make "1.234" ambiguous, so those pairs are left out.
MONEY_FORMATS: tuple[str, ...] = tuple(
    f"{position},{thousands},{decimal}"
    for position in MONEY_SYMBOL_POSITIONS
    for thousands in MONEY_THOUSANDS_SEPARATORS
    for decimal in MONEY_DECIMAL_SEPARATORS
    if thousands != decimal
)

_STRFTIME_BY_FORMAT = {
    fmt: fmt.replace("dd", "%d").replace("mm", "%m").replace("yyyy", "%Y") for fmt in DATE_FORMATS
}


@dataclass(frozen=True, slots=True)
class MoneyFormat:
    """A parsed ``money_format``: currency placement and the two separators."""

    position: str
    thousands: str
    decimal: str

    @classmethod
    def parse(cls, money_format: str) -> MoneyFormat:
        """Parse "position,thousands,decimal"; an unknown value is a bug upstream, so it raises."""
        if money_format not in MONEY_FORMATS:
            raise ValueError(f"unknown money format {money_format!r}")
        position, thousands, decimal = money_format.split(",")
        return cls(
            position=position,
            thousands=MONEY_THOUSANDS_SEPARATORS[thousands],
            decimal=MONEY_DECIMAL_SEPARATORS[decimal],
        )


def format_date(value: dt.date, date_format: str) -> str:
    """Write ``value`` in one of :data:`DATE_FORMATS`."""
    try:
        pattern = _STRFTIME_BY_FORMAT[date_format]
    except KeyError:
        raise ValueError(f"unknown date format {date_format!r}") from None
    return value.strftime(pattern)


def _group_digits(integer_digits: str, separator: str) -> str:
    if not separator or len(integer_digits) <= 3:
        return integer_digits
    head = len(integer_digits) % 3 or 3
    groups = [integer_digits[:head]]
    groups.extend(integer_digits[i : i + 3] for i in range(head, len(integer_digits), 3))
    return separator.join(groups)


def format_decimal(
    value: Decimal, money_format: MoneyFormat, *, min_places: int = 0, max_places: int = 2
) -> str:
    """Write a number with the invoice's separators, between ``min_places`` and ``max_places``.

    Rounds half away from zero (the domain's rule) to ``max_places``, then drops trailing zeros
    down to ``min_places``: a unit price of 12.345600 shows as "12.3456", an amount as "12.35".
    """
    rounded = value.quantize(Decimal(1).scaleb(-max_places), rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    digits = f"{abs(rounded):f}"
    integer_part, _, fraction = digits.partition(".")
    fraction = fraction.rstrip("0")
    if len(fraction) < min_places:
        fraction = fraction.ljust(min_places, "0")
    text = _group_digits(integer_part, money_format.thousands)
    if fraction:
        text = f"{text}{money_format.decimal}{fraction}"
    return f"{sign}{text}"


@lru_cache(maxsize=256)
def currency_symbol(currency: str, lang: str) -> str:
    """The symbol CLDR gives ``currency`` in ``lang`` (falls back to the ISO code itself)."""
    symbol: str = get_currency_symbol(currency, locale=lang)
    return symbol


def format_money(
    value: Decimal,
    currency: str,
    money_format: MoneyFormat,
    lang: str,
    *,
    max_places: int = 2,
) -> str:
    """An amount with its currency placed as the invoice asks; the sign leads the whole amount.

    A symbol written before the amount sticks to it when it is punctuation ("€12.00", "$12.00")
    and is spaced when it ends in a letter ("US$12.00" reads badly as "ARS12.00"); codes and
    trailing symbols are always spaced. Every space is a no-break space.
    """
    number = format_decimal(abs(value), money_format, min_places=2, max_places=max_places)
    shown = value.quantize(Decimal(1).scaleb(-max_places), rounding=ROUND_HALF_UP)
    sign = "-" if shown < 0 else ""
    is_code = money_format.position.startswith("code")
    unit = currency if is_code else currency_symbol(currency, lang)
    if money_format.position.endswith("_after"):
        return f"{sign}{number}{NBSP}{unit}"
    joiner = NBSP if unit[-1:].isalpha() else ""
    return f"{sign}{unit}{joiner}{number}"


def format_quantity(value: Decimal, money_format: MoneyFormat) -> str:
    """A quantity with as many decimals as it has (1, 2.5, 0.125), in the invoice's separators."""
    return format_decimal(value, money_format, min_places=0, max_places=6)


#: Where the percent sign goes in each language: Basque writes it first ("% 21").
_PERCENT_PATTERNS = {
    "en": "{number}%",
    "eu": "%" + NBSP + "{number}",
}
_DEFAULT_PERCENT_PATTERN = "{number}" + NBSP + "%"


def format_percent(value: Decimal, money_format: MoneyFormat, lang: str) -> str:
    """A rate such as 21 or 5.5 as a percentage, in the language's typographic habit."""
    number = format_decimal(value, money_format, min_places=0, max_places=4)
    return _PERCENT_PATTERNS.get(lang, _DEFAULT_PERCENT_PATTERN).format(number=number)
