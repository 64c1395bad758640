"""Field checks shared by the record types: each appends a FieldError instead of raising.

Collecting every problem before raising lets a caller show all offending fields at once, as
:class:`~invoicegraph.domain.errors.ValidationFailed` expects.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from invoicegraph.domain.errors import FieldError, ValidationFailed

_CENT = Decimal("0.01")
_HEX = frozenset("0123456789ABCDEF")
ZERO = Decimal("0.00")


def is_cents(value: Decimal) -> bool:
    return value.is_finite() and value == value.quantize(_CENT)


def check_amount(errors: list[FieldError], field: str, value: Decimal | None) -> None:
    if value is not None and not is_cents(value):
        errors.append(FieldError(field, "must be a finite amount with at most 2 decimals"))


def check_rate(errors: list[FieldError], field: str, value: Decimal | None) -> None:
    if value is not None and (not is_cents(value) or value < 0):
        errors.append(FieldError(field, "must be a non-negative rate with at most 2 decimals"))


def check_text(errors: list[FieldError], field: str, value: str, max_length: int) -> None:
    if not value.strip() or len(value) > max_length:
        errors.append(FieldError(field, f"must be 1 to {max_length} characters"))


def check_nif(errors: list[FieldError], field: str, value: str) -> None:
    if len(value) != 9:
        errors.append(FieldError(field, "must be a 9-character Spanish tax id"))


def check_number(errors: list[FieldError], field: str, value: str) -> None:
    # Printable ASCII only: the agency refuses other characters (validation 1130).
    if not 1 <= len(value) <= 60 or any(not " " <= char <= "~" for char in value):
        errors.append(FieldError(field, "must be 1 to 60 printable ASCII characters"))


def check_fingerprint(errors: list[FieldError], field: str, value: str, empty_ok: bool) -> None:
    if (value or not empty_ok) and (len(value) != 64 or not set(value) <= _HEX):
        errors.append(FieldError(field, "must be 64 uppercase hexadecimal characters"))


def check_timestamp(errors: list[FieldError], field: str, value: datetime) -> None:
    if value.utcoffset() is None:
        errors.append(FieldError(field, "must be time-zone aware"))
    elif value.microsecond:
        errors.append(FieldError(field, "must be whole seconds (the record hashes no fractions)"))


def raise_if(errors: list[FieldError], message: str) -> None:
    if errors:
        raise ValidationFailed(errors, message)
