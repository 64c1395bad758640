"""Scalars: money and quantities as exact decimal strings ("4494.38"), never floats."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from strawberry.types.scalar import ScalarDefinition, scalar

TWO_PLACES = Decimal("0.01")


def serialize_decimal(value: Decimal) -> str:
    """At least two decimals, no trailing zeros beyond: 4494.38, -270.00, 1.50, 15.99.

    A page serialises thousands of these, so a value's text is remembered, and the usual
    text form (``str``, fixed-point for everything a NUMERIC column holds) is trimmed as text;
    exponents and specials take the general path.
    """
    text = _TEXTS.get(value)
    if text is not None:
        return text
    text = str(value)
    if "E" not in text and "n" not in text and "N" not in text:
        whole, _, fraction = text.partition(".")
        fraction = fraction.rstrip("0")
        if len(fraction) < 2:
            fraction = (fraction + "00")[:2]
        text = f"{whole}.{fraction}"
    else:
        normalized = value.normalize()
        exponent = normalized.as_tuple().exponent
        if isinstance(exponent, int) and exponent > -2:
            normalized = value.quantize(TWO_PLACES)
        text = format(normalized, "f")
    # equal values serialise alike (the text depends on the value, not on its exponent), except
    # zero, whose sign is kept ("-0.00") while -0 == 0: zero is never remembered
    if value and len(_TEXTS) < _MAX_TEXTS:
        _TEXTS[value] = text
    return text


# the text of values met before: amounts, prices and rates repeat across a page and across pages
_TEXTS: dict[Decimal, str] = {}
_MAX_TEXTS = 50_000


def parse_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValueError('a decimal is a string such as "15.99"')
    if isinstance(value, float):
        # JSON numbers arrive as floats; their shortest repr is the text the client sent
        value = repr(value)
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValueError(f"{value!r} is not a decimal number") from None
    if not number.is_finite():
        raise ValueError("a decimal must be finite")
    return number


DecimalScalar = scalar(
    name="Decimal",
    description='An exact decimal as a string, e.g. "4494.38". Money has two decimals.',
    serialize=serialize_decimal,
    parse_value=parse_decimal,
)

SCALAR_MAP: dict[object, ScalarDefinition] = {Decimal: DecimalScalar}
