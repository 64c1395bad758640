"""Reading the dialect's inputs the way its Laravel validation reads them: every offending
field is collected and reported at once (422), nothing malformed reaches a service.

Types follow Laravel's rules, since clients written against the seed send what Laravel takes:
an *Integer* may come as ``208`` or ``"208"`` (the seed's own issue payload sends
``"serie_id": "208"``), a *Number* as ``1800``, ``-100.05`` or ``"-100.05"``, a *Boolean* as
``true``/``false``/``1``/``0``/``"1"``/``"0"``, a *Date* as ``yyyy-mm-dd``. Values are bounded
here so that no absurd id, number or date can overflow a column or a date computation below.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from invoicegraph.domain.errors import FieldError, ValidationFailed
from invoicegraph.services.unset import UNSET, Maybe

MAX_ID = 2**63 - 1
MAX_NUMBER = Decimal("1000000000000")  # 10^12: above every amount, price and quantity we keep
MIN_YEAR, MAX_YEAR = 1900, 2999
MAX_STRING = 10_000  # a generous bound before the services' own per-field limits

# the same patterns are the string alternatives of the OpenAPI schemas (openapi_schemas.py)
INTEGER_PATTERN = "^[1-9][0-9]{0,18}$"
NUMBER_PATTERN = "^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$"
_INTEGER = re.compile(INTEGER_PATTERN)
_NUMBER = re.compile(NUMBER_PATTERN)
DATE_PATTERN = "^(19[0-9]{2}|2[0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
_DATE = re.compile(DATE_PATTERN)
_BOOLEAN_WORDS = {"1": True, "true": True, "0": False, "false": False}


def as_integer(value: Any) -> int | None:
    """A positive integer, also from a string of digits; None when it is not one (every integer
    the dialect reads is an id, a page or a page size, all at least 1)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value) if abs(value) <= MAX_ID else None
    if isinstance(value, str) and _INTEGER.fullmatch(value):
        return int(value)
    return None


def as_id(value: Any) -> int | None:
    number = as_integer(value)
    return number if number is not None and 0 < number <= MAX_ID else None


def as_number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, Decimal):
        number = value
    elif isinstance(value, str) and len(value) <= 64 and _NUMBER.fullmatch(value):
        try:
            number = Decimal(value)
        except InvalidOperation:
            return None
    else:
        return None
    return number if number.is_finite() else None


def as_date(value: Any) -> dt.date | None:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        return None
    try:
        date = dt.date.fromisoformat(value)
    except ValueError:
        return None
    return date  # DATE_PATTERN keeps the year within MIN_YEAR..MAX_YEAR


def as_boolean(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        return _BOOLEAN_WORDS.get(value)
    return None


class Fields:
    """Typed access to one JSON object of the body (or the query string), collecting errors.

    Every reader returns ``UNSET`` when the field is absent (or invalid: the error is kept),
    ``None`` when it is an allowed ``null``, else the value in its Python type.
    """

    def __init__(
        self,
        source: Mapping[str, Any],
        errors: list[FieldError] | None = None,
        prefix: str = "",
    ) -> None:
        self.source = source
        self.errors = errors if errors is not None else []
        self.prefix = prefix

    def path(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def has(self, name: str) -> bool:
        return name in self.source

    def fail(self, name: str, message: str, code: str = "invalid") -> None:
        self.errors.append(FieldError(self.path(name), message, code))

    def _raw(self, name: str, required: bool, nullable: bool) -> tuple[bool, Any]:
        """(present with a non-null value, the value); reports missing and null fields."""
        if name not in self.source:
            if required:
                self.fail(name, "is required", "required")
            return False, UNSET
        value = self.source[name]
        if value is None:
            if not nullable:
                self.fail(name, "is required" if required else "must not be null", "required")
                return False, UNSET
            return False, None
        return True, value

    def string(
        self, name: str, *, required: bool = False, nullable: bool = False, max_length: int = 0
    ) -> Maybe[str | None]:
        present, value = self._raw(name, required, nullable)
        if not present:
            return value  # type: ignore[no-any-return]
        if not isinstance(value, str):
            self.fail(name, "must be a string")
            return UNSET
        limit = max_length or MAX_STRING
        if len(value) > limit:
            self.fail(name, f"may not be greater than {limit} characters", "too_long")
            return UNSET
        if required and not value.strip():
            self.fail(name, "is required", "required")
            return UNSET
        return value

    def identifier(
        self, name: str, *, required: bool = False, nullable: bool = False
    ) -> Maybe[int | None]:
        present, value = self._raw(name, required, nullable)
        if not present:
            return value  # type: ignore[no-any-return]
        ident = as_id(value)
        if ident is None:
            self.fail(name, "must be a positive integer identifier")
            return UNSET
        return ident

    def number(
        self,
        name: str,
        *,
        required: bool = False,
        low: Decimal | int | None = None,
        high: Decimal | int | None = None,
    ) -> Maybe[Decimal]:
        present, value = self._raw(name, required, False)
        if not present:
            return UNSET
        number = as_number(value)
        if number is None:
            self.fail(name, "must be a number")
            return UNSET
        if abs(number) > MAX_NUMBER:
            self.fail(name, f"must be between -{MAX_NUMBER} and {MAX_NUMBER}", "out_of_range")
            return UNSET
        if low is not None and number < low:
            self.fail(name, f"must be at least {low}", "out_of_range")
            return UNSET
        if high is not None and number > high:
            self.fail(name, f"may not be greater than {high}", "out_of_range")
            return UNSET
        return number

    def date(
        self, name: str, *, required: bool = False, nullable: bool = False
    ) -> Maybe[dt.date | None]:
        present, value = self._raw(name, required, nullable)
        if not present:
            return value  # type: ignore[no-any-return]
        date = as_date(value)
        if date is None:
            self.fail(
                name,
                f"must be a valid date in the format yyyy-mm-dd (years {MIN_YEAR}-{MAX_YEAR})",
            )
            return UNSET
        return date

    def boolean(self, name: str, *, required: bool = False) -> Maybe[bool]:
        present, value = self._raw(name, required, False)
        if not present:
            return UNSET
        flag = as_boolean(value)
        if flag is None:
            self.fail(name, "must be true or false")
            return UNSET
        return flag

    def array(self, name: str, *, max_items: int) -> Maybe[list[Any]]:
        present, value = self._raw(name, False, False)
        if not present:
            return UNSET
        if not isinstance(value, list):
            self.fail(name, "must be an array")
            return UNSET
        if len(value) > max_items:
            self.fail(name, f"may not have more than {max_items} items", "too_many")
            return UNSET
        return value

    def object(self, name: str, *, required: bool = False) -> Maybe[dict[str, Any]]:
        present, value = self._raw(name, required, False)
        if not present:
            return UNSET
        if not isinstance(value, dict):
            self.fail(name, "must be an object")
            return UNSET
        return value

    def check(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)


def body_object(body: Any) -> dict[str, Any]:
    """The request body as an object; an absent body is an empty one."""
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise ValidationFailed.single("body", "must be a JSON object")
    return body
