"""Field checks shared by every service: each appends a ``FieldError`` instead of raising, so
one request hears about all of its offending fields at once."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from invoicegraph.domain.errors import FieldError

MAX_AMOUNT = Decimal("999999999999")  # keeps every product of amounts inside NUMERIC(18, 2)


def check_text(
    value: str | None,
    field: str,
    limit: int,
    errors: list[FieldError],
    *,
    required: bool = False,
) -> str:
    text = (value or "").strip()
    if required and not text:
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
    exponent = number.as_tuple().exponent
    if (
        isinstance(exponent, int)
        and -exponent > places
        and number != number.quantize(Decimal(1).scaleb(-places))
    ):
        errors.append(FieldError(field, f"at most {places} decimals", "invalid"))
        return Decimal(0)
    if low is not None and number < low:
        errors.append(FieldError(field, f"must be at least {low}", "out_of_range"))
    elif high is not None and number > high:
        errors.append(FieldError(field, f"must be at most {high}", "out_of_range"))
    elif abs(number) > maximum:
        errors.append(FieldError(field, f"must be at most {maximum} in absolute value"))
    return number.quantize(Decimal(1).scaleb(-places)) if places <= 6 else number
