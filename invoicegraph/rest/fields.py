"""The field types both REST dialects declare their bodies with, and the one translation of a
model's validation errors into our ``FieldError`` list (every offending field in one 422).

A body is a ``Body`` (unknown fields are refused, naming them: a typo must not silently change
an invoice); an answer is an ``Answer`` (every key always present, no other). Each type carries
the JSON Schema the OpenAPI document states, so parsing and the document cannot drift: money and
numbers are JSON numbers (exact ``Decimal`` in Python, never a float), limits are the seeds'.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from types import MappingProxyType
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from invoicegraph.domain.errors import FieldError, ValidationFailed
from invoicegraph.domain.validation import text_problem
from invoicegraph.services.unset import UNSET

M = TypeVar("M", bound=BaseModel)
EMPTY: Mapping[str, str] = MappingProxyType({})
FIRST_DATE, LAST_DATE = dt.date(1900, 1, 1), dt.date(2999, 12, 31)
# every real date from 1900-01-01 to 2999-12-31, leap days included
_YEAR = "(19|2[0-9])[0-9]{2}"
_LEAP = "((19|2[0-9])(0[48]|[2468][048]|[13579][26])|2000|2400|2800)"
DATE_PATTERN = (
    f"^({_YEAR}-((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)"
    f"|02-(0[1-9]|1[0-9]|2[0-8]))|{_LEAP}-02-29)$"
)
_DAY = re.compile("^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


class Body(BaseModel):
    """A request body: unknown fields are a 422 naming them."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def maybe(self, name: str) -> Any:
        """The field's value when the client sent it (``null`` included), else ``UNSET``."""
        return getattr(self, name) if name in self.model_fields_set else UNSET

    def sent(
        self, renamed: Mapping[str, str] = EMPTY, *, but: Sequence[str] = ()
    ) -> dict[str, Any]:
        """Every field the client sent (``null`` included) but those read by hand, each under
        the name ``renamed`` gives it: the keyword arguments of a service's input."""
        return {renamed.get(n, n): getattr(self, n) for n in self.model_fields_set if n not in but}


class Query(BaseModel):
    """A query string: parameters we do not read are ignored, as every HTTP API does."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class Answer(BaseModel):
    """A response body: every key is always there (null when empty), and no other."""

    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)


class EInvoicing(Answer):
    """The invoice's registration with the tax agency (VERI*FACTU), alike in both dialects."""

    system: Literal["VERIFACTU"]
    country: Literal["ES"]
    processed: bool = Field(description="the tax agency has answered")
    on_error: bool = Field(description="rejected, or accepted with errors")
    external_link: str | None = Field(description="the agency's check URL (the QR code)")


def shaped(
    model: type[M],
    source: object,
    renamed: Mapping[str, str] = EMPTY,
    prefix: str = "",
    /,
    **given: Any,
) -> M:
    """The answer ``model`` of ``source``: each field as ``given``, else read from the attribute
    of its name (or of the name ``renamed`` maps it to), after ``prefix`` (``issuer_``)."""
    read = {
        name: prefix + renamed.get(name, name) for name in model.model_fields if name not in given
    }
    return model.model_validate({**{n: getattr(source, a) for n, a in read.items()}, **given})


# how both dialects name VERI*FACTU's TipoRectificativa (I, S)
RECTIFICATION_KINDS = {"differences": "I", "substitution": "S"}
RectificationType = Literal[tuple(RECTIFICATION_KINDS)]  # type: ignore[valid-type]


def rectification_kind(body: Body) -> str:
    """The TipoRectificativa a rectify body asks for (differences when left out)."""
    return RECTIFICATION_KINDS[getattr(body, "rectification_type", None) or "differences"]


def omitted(description: str | None = None) -> Any:
    """A field that may be left out but not sent as null (its absence means "unchanged" or
    "the service's default"); the document shows no ``default: null`` for any field."""
    return Field(None, description=description)


def _text_rule(value: str) -> str:
    problem = text_problem(value)
    if problem is not None:
        raise PydanticCustomError("invalid_characters", problem)
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("required", "is required")
    return value


def text(max_length: int, *, blank: bool = True, description: str | None = None) -> Any:
    """A JSON string of at most ``max_length`` characters obeying the text rule (no NUL, no lone
    surrogate); ``blank=False`` also refuses one of spaces only."""
    checks: list[Any] = [StringConstraints(max_length=max_length), AfterValidator(_text_rule)]
    if not blank:
        checks += [AfterValidator(_not_blank), Field(json_schema_extra={"pattern": "\\S"})]
    if description:
        checks.append(Field(description=description))
    return Annotated[tuple([str, *checks])]


def number(
    *,
    json_only: bool = True,
    ge: Decimal | int | None = None,
    le: Decimal | int | None = None,
    gt: Decimal | int | None = None,
    places: int | None = None,
    description: str = "",
) -> Any:
    """An exact decimal read from a JSON number (``json_only``) or also from a numeric string
    (the /v1 dialect's Laravel reading). Decimals are stated in words, never as ``multipleOf``:
    generators choke on it and JSON's binary floats fail it for exact values like 15.99."""
    schema: dict[str, Any] = {"type": "number"}
    for key, bound in (("minimum", ge), ("maximum", le), ("exclusiveMinimum", gt)):
        if bound is not None:
            schema[key] = int(bound) if Decimal(bound) == int(bound) else float(bound)
    if places is not None:
        description = f"{description} (up to {places} decimals)".strip()
    if description:
        schema["description"] = description
    if not json_only:
        schema = {
            "oneOf": [schema, {"type": "string", "pattern": NUMBER_PATTERN, "maxLength": 64}],
            "description": schema.pop("description", "a number"),
        }
    return Annotated[
        Decimal,
        BeforeValidator(_json_number if json_only else _any_number),
        Field(ge=ge, le=le, gt=gt, decimal_places=places),
        WithJsonSchema(schema),
    ]


NUMBER_PATTERN = "^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$"
_NUMBER = re.compile(NUMBER_PATTERN)


def _json_number(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise PydanticCustomError("invalid_type", "must be a number")
    number = Decimal(value)
    if not number.is_finite():
        raise PydanticCustomError("invalid_type", "must be a finite number")
    return number


def _any_number(value: Any) -> Decimal:
    if isinstance(value, str) and len(value) <= 64 and _NUMBER.fullmatch(value):
        return Decimal(value)
    return _json_number(value)


def _iso_date(value: Any) -> dt.date:
    if isinstance(value, str) and _DAY.fullmatch(value):
        try:
            date = dt.date.fromisoformat(value)
        except ValueError:
            pass
        else:
            if FIRST_DATE <= date <= LAST_DATE:
                return date
            raise PydanticCustomError("out_of_range", f"must be from {FIRST_DATE} to {LAST_DATE}")
    raise PydanticCustomError(
        "invalid_date", f"must be a date as yyyy-mm-dd from {FIRST_DATE} to {LAST_DATE}"
    )


DATE_SCHEMA = {
    "type": "string",
    "format": "date",
    "pattern": DATE_PATTERN,
    "description": f"yyyy-mm-dd, from {FIRST_DATE} to {LAST_DATE}",
}
Date = Annotated[dt.date, BeforeValidator(_iso_date), WithJsonSchema(DATE_SCHEMA)]
Day = Annotated[dt.date, WithJsonSchema({"type": "string", "format": "date"})]  # answered
Money = Annotated[Decimal, WithJsonSchema({"type": "number", "description": "exact, 2 decimals"})]
Figure = Annotated[Decimal, WithJsonSchema({"type": "number"})]

BOUNDS = ("greater_than", "greater_than_equal", "less_than", "less_than_equal")
CODES = {
    "missing": ("required", "is required"),
    "extra_forbidden": ("unknown_field", "is not a field of this body"),
    "string_too_long": ("too_long", None),
    "too_long": ("too_many", None),
    "too_short": ("required", None),
    "string_type": ("invalid_type", "must be a string"),
    "bool_type": ("invalid_type", "must be true or false"),
    **dict.fromkeys(("model_type", "dict_type"), ("invalid_type", "must be a JSON object")),
    "list_type": ("invalid_type", "must be a list"),
    **dict.fromkeys(("uuid_type", "uuid_parsing"), ("invalid_id", "must be a UUID")),
    "literal_error": ("invalid_choice", None),
    "enum": ("invalid", None),
    **dict.fromkeys(BOUNDS, ("out_of_range", None)),
    "decimal_max_places": ("invalid", None),
    "string_pattern_mismatch": ("invalid", None),
}


def problems(exc: ValidationError, fields: Callable[[str], str] = str) -> ValidationFailed:
    """Every offending field of a body, each under its dotted path (``lines.0.price``) as
    ``fields`` names it in the dialect (``ValidationFailed`` lists the first ones and counts
    the rest)."""
    listed: list[FieldError] = []
    errors = exc.errors(include_url=False, include_context=False)
    for error in errors:
        path = ".".join(str(part) for part in error["loc"]) or "body"
        code, message = CODES.get(error["type"], (error["type"], None))
        named = bool(error["loc"]) and isinstance(error["loc"][-1], str)
        if error.get("input", ...) is None and named and error["type"] != "required":
            code, message = "required", "must not be null"
        listed.append(FieldError(fields(path), message or error["msg"], code))
    return ValidationFailed(listed)


def parse(model: type[M], value: Any, fields: Callable[[str], str] = str) -> M:
    try:
        return model.model_validate({} if value is None else value)
    except ValidationError as exc:
        raise problems(exc, fields) from None
