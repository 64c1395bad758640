"""Field checks shared by every service: each appends a ``FieldError`` instead of raising, so
one request hears about all of its offending fields at once."""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from invoicegraph.domain.errors import FieldError

MAX_AMOUNT = Decimal("999999999999")  # keeps every product of amounts inside NUMERIC(18, 2)


_SURROGATE = re.compile("[\ud800-\udfff]")
_ASCII_ID = re.compile("[1-9][0-9]{0,18}")
MAX_ID = 2**63 - 1  # BIGINT


def parse_id(text: str) -> int | None:
    """An integer id written in ASCII digits within BIGINT, else None. ``str.isdigit`` is not
    enough: it accepts ``¹`` (which ``int`` refuses) and ``١`` (which ``int`` reads as 1)."""
    if not _ASCII_ID.fullmatch(text):
        return None
    number = int(text)
    return number if number <= MAX_ID else None


def ascii_digits(text: str, max_length: int = 18) -> bool:
    """A non-empty run of ASCII digits (``0``–``9``), short enough to convert cheaply."""
    return 0 < len(text) <= max_length and text.isascii() and text.isdigit()


def text_problem(value: str) -> str | None:
    """The one rule every stored text obeys, on every face: no NUL (PostgreSQL cannot store it)
    and no lone surrogate (no UTF-8 encoding exists for it, so its answer could never be sent).
    Returns the message naming the problem, or None when the text is storable."""
    if "\x00" in value:
        return "must not contain NUL characters"
    if _SURROGATE.search(value):
        return "must not contain unpaired surrogate characters"
    return None


def check_text(
    value: str | None,
    field: str,
    limit: int,
    errors: list[FieldError],
    *,
    required: bool = False,
) -> str:
    text = (value or "").strip()
    problem = text_problem(text)
    if problem is not None:
        errors.append(FieldError(field, problem, "invalid_characters"))
    elif required and not text:
        errors.append(FieldError(field, "is required", "required"))
    elif len(text) > limit:
        errors.append(FieldError(field, f"at most {limit} characters", "too_long"))
    return text


def check_decimal(
    value: object,
    field: str,
    errors: list[FieldError],
    *,
    places: int = 2,
    low: Decimal | int | None = None,
    high: Decimal | int | None = None,
    maximum: Decimal = MAX_AMOUNT,
) -> Decimal:
    """A finite ``Decimal`` with at most ``places`` decimals within bounds. Floats are refused
    outright: a float has already lost the amount the client meant."""
    if isinstance(value, (bool, float)):
        errors.append(FieldError(field, "must be a decimal number", "invalid"))
        return Decimal(0)
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors.append(FieldError(field, "must be a decimal number", "invalid"))
        return Decimal(0)
    if not number.is_finite():
        errors.append(FieldError(field, "must be a finite number", "invalid"))
        return Decimal(0)
    if abs(number) > maximum and low is None and high is None:
        errors.append(FieldError(field, f"must be at most {maximum} in absolute value"))
        return Decimal(0)
    if (low is not None and number < low) or (high is not None and number > high):
        bound = f"at least {low}" if low is not None and number < low else f"at most {high}"
        errors.append(FieldError(field, f"must be {bound}", "out_of_range"))
        return Decimal(0)
    if abs(number) > maximum:
        errors.append(FieldError(field, f"must be at most {maximum} in absolute value"))
        return Decimal(0)
    quantum = Decimal(1).scaleb(-places)
    if number != number.quantize(quantum, rounding=ROUND_DOWN):
        errors.append(FieldError(field, f"at most {places} decimals", "invalid"))
        return Decimal(0)
    return number.quantize(quantum)


EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2999, 12, 31)


def check_date(
    value: dt.date | None,
    field: str,
    errors: list[FieldError],
    *,
    not_before: dt.date | None = None,
    not_before_what: str = "",
    not_before_code: str = "out_of_range",
) -> dt.date | None:
    """The one rule for every date input of every face (invoices, quotes, rectifications,
    payments): within 1900-01-01..2999-12-31, so that no date overflows date arithmetic, and
    not before ``not_before`` when the date follows another (a rectificative's original, a
    quote's own date). Issue-time fiscal bounds (not in the future, VERI*FACTU's start) are
    added by the issuing service."""
    if value is None:
        return value
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        errors.append(
            FieldError(field, "must be between 1900-01-01 and 2999-12-31", "out_of_range")
        )
    elif not_before is not None and value < not_before:
        errors.append(
            FieldError(
                field,
                f"cannot precede {not_before_what or 'its earliest date'} "
                f"({not_before.isoformat()})",
                not_before_code,
            )
        )
    return value
