"""Reading a JSON body field by field with the types the Facturovia document shows.

Types are strict: a number is a JSON number (a string ``"2"`` is refused), a text is a JSON
string, a date is a ``YYYY-MM-DD`` string, an id is a UUID string. An absent field reads as
``UNSET`` and an explicit ``null`` as ``None``, so the services can tell them apart. Fields we
do not know are ignored, as the seed's own examples send some (``unit_price`` on a rectified
item) that the operation does not use. Every type error of a body is reported in one 422;
a body of the right types then meets the services' checks, which also report all at once.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from decimal import Decimal
from typing import Any

from invoicegraph.domain.errors import FieldError, ValidationFailed
from invoicegraph.services.unset import UNSET, Maybe

# Far beyond every bound the services check (amounts stay under 10**12); larger numbers are
# refused here because Decimal arithmetic on them cannot even be quantised to cents.
MAX_MAGNITUDE = Decimal(10) ** 15
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# Dates far from today are typing mistakes, and date arithmetic near year 9999 (a due date
# thirty days on) overflows.
FIRST_DATE = dt.date(1900, 1, 1)
LAST_DATE = dt.date(2999, 12, 31)


class BodyReader:
    """One JSON object; ``prefix`` names it in error paths (``items.2``)."""

    def __init__(
        self,
        value: Any,
        prefix: str = "",
        errors: list[FieldError] | None = None,
        *,
        allow_null: bool = True,
    ) -> None:
        self.errors: list[FieldError] = errors if errors is not None else []
        self.prefix = prefix
        self.data: dict[str, Any] = {}
        self.is_object = (allow_null and value is None) or isinstance(value, dict)
        if isinstance(value, dict):
            self.data = value
        elif not self.is_object:
            self.errors.append(
                FieldError(prefix or "body", "must be a JSON object", "invalid_type")
            )

    def path(self, name: str) -> str:
        return f"{self.prefix}.{name}" if self.prefix else name

    def fail(self, name: str, message: str, code: str = "invalid_type") -> None:
        self.errors.append(FieldError(self.path(name), message, code))

    def raw(self, name: str) -> Any:
        return self.data.get(name, UNSET)

    def text(self, name: str) -> Maybe[str | None]:
        value = self.raw(name)
        if value is UNSET or value is None or isinstance(value, str):
            return value
        self.fail(name, "must be a string")
        return UNSET

    def number(self, name: str) -> Maybe[Decimal | None]:
        value = self.raw(name)
        if value is UNSET or value is None:
            return value
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            self.fail(name, "must be a number")
            return UNSET
        number = Decimal(value)
        if abs(number) >= MAX_MAGNITUDE:
            self.fail(name, "must be less than 10^15 in absolute value", "out_of_range")
            return UNSET
        return number

    def date(self, name: str) -> Maybe[dt.date | None]:
        value = self.raw(name)
        if value is UNSET or value is None:
            return value
        if isinstance(value, str) and _DATE.match(value):
            try:
                date = dt.date.fromisoformat(value)
            except ValueError:
                pass
            else:
                if FIRST_DATE <= date <= LAST_DATE:
                    return date
                self.fail(name, f"must be between {FIRST_DATE} and {LAST_DATE}", "out_of_range")
                return UNSET
        self.fail(name, "must be a date as YYYY-MM-DD", "invalid_date")
        return UNSET

    def uuid(self, name: str) -> Maybe[uuid.UUID | None]:
        value = self.raw(name)
        if value is UNSET or value is None:
            return value
        if isinstance(value, str):
            try:
                return uuid.UUID(value)
            except ValueError:
                pass
        self.fail(name, "must be a UUID", "invalid_id")
        return UNSET

    def objects(self, name: str) -> Maybe[list[BodyReader] | None]:
        """A list of objects, each read with its own path (``items.0``)."""
        value = self.raw(name)
        if value is UNSET or value is None:
            return value
        if not isinstance(value, list):
            self.fail(name, "must be a list")
            return UNSET
        return [
            BodyReader(item, self.path(f"{name}.{i}"), self.errors, allow_null=False)
            for i, item in enumerate(value)
        ]

    def required(self, name: str, value: Any) -> Any:
        """``value``, or an error when the field was absent or null (a field of the wrong
        type has already been reported and is not reported twice)."""
        if not self.is_object or (value is UNSET and self.data.get(name) is not None):
            return UNSET
        if value is UNSET or value is None:
            self.fail(name, "is required", "required")
            return UNSET
        return value

    def check(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)


def query_text(raw: str | None, name: str, limit: int = 255) -> str | None:
    if raw is None:
        return None
    if len(raw) > limit:
        raise ValidationFailed.single(name, f"at most {limit} characters", "too_long")
    return raw


def query_uuid(raw: str | None, name: str) -> uuid.UUID | None:
    if raw is None:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise ValidationFailed.single(name, "must be a UUID", "invalid_id") from None
