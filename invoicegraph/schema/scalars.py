"""Scalars: money and quantities as exact decimal strings ("4494.38"), never floats; dates,
instants and UUIDs in their standard text forms. Each says its format in its description and
links the specification with ``@specifiedBy``, so that code generators and readers know what
travels as a string."""

from __future__ import annotations

import datetime as dt
import re
import uuid
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


def _shown(value: Any) -> str:
    """The refused value as an error message quotes it: at most 40 characters of it (graphql-core
    adds its own bounded rendering), so an error answer stays small whatever was sent."""
    text = repr(value)
    return text if len(text) <= 42 else f"{text[:40]}…"


def parse_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValueError('a decimal is a string such as "15.99"')
    if isinstance(value, float):
        # JSON numbers arrive as floats; their shortest repr is the text the client sent
        value = repr(value)
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValueError(f"{_shown(value)} is not a decimal number") from None
    if not number.is_finite():
        raise ValueError("a decimal must be finite")
    return number


DecimalScalar = scalar(
    name="Decimal",
    description='An exact decimal number as a JSON string, e.g. "4494.38" or "-15": digits '
    'with an optional sign and "." decimal point (no thousands separator, no exponent in '
    "answers). Money has two decimals, rounded half away from zero. Inputs also take a JSON "
    "number, read as the text it was written with.",
    specified_by_url="https://speleotrove.com/decimal/daconvs.html#reftonum",
    serialize=serialize_decimal,
    parse_value=parse_decimal,
)

_FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_date(value: Any) -> dt.date:
    if not isinstance(value, str) or not _FULL_DATE.fullmatch(value):
        raise ValueError(f"{_shown(value)} is not a date as YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"{_shown(value)} is not a date: {exc}") from None


def parse_datetime(value: Any) -> dt.datetime:
    if not isinstance(value, str) or len(value) > 40:
        raise ValueError(f"{_shown(value)} is not an RFC 3339 date-time")
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError(f"{_shown(value)} is not an RFC 3339 date-time") from None
    if parsed.tzinfo is None:
        raise ValueError(f"{_shown(value)} has no UTC offset (e.g. Z or +01:00)")
    return parsed


def parse_uuid(value: Any) -> uuid.UUID:
    if not isinstance(value, str) or len(value) > 45:
        raise ValueError(f"{_shown(value)} is not a UUID")
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ValueError(f"{_shown(value)} is not a UUID") from None


DateScalar = scalar(
    name="Date",
    description='A calendar date as a string "YYYY-MM-DD" (RFC 3339 full-date), e.g. '
    '"2025-03-31". Dates of invoices are dates in the account\'s time zone.',
    specified_by_url="https://www.rfc-editor.org/rfc/rfc3339#section-5.6",
    serialize=dt.date.isoformat,
    parse_value=parse_date,
)

DateTimeScalar = scalar(
    name="DateTime",
    description="An instant as an RFC 3339 date-time string with its UTC offset, e.g. "
    '"2025-03-31T09:30:00.123456+00:00"; inputs also take "Z" for UTC.',
    specified_by_url="https://www.rfc-editor.org/rfc/rfc3339#section-5.6",
    serialize=dt.datetime.isoformat,
    parse_value=parse_datetime,
)

UUIDScalar = scalar(
    name="UUID",
    description="A UUID as its 36-character string, lower-case hexadecimal in groups "
    '8-4-4-4-12, e.g. "0b9ac7a2-5d4e-4f43-9a47-3a8d2f0c1e55".',
    specified_by_url="https://www.rfc-editor.org/rfc/rfc9562",
    serialize=str,
    parse_value=parse_uuid,
)

SCALAR_MAP: dict[object, ScalarDefinition] = {
    Decimal: DecimalScalar,
    dt.date: DateScalar,
    dt.datetime: DateTimeScalar,
    uuid.UUID: UUIDScalar,
}
