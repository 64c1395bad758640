"""GraphQL error shapes. Expected failures are data (a payload's typed ``errors`` list);
authentication, permission and plan limits are top-level errors with ``extensions.code``."""

from __future__ import annotations

import enum
import re

import strawberry
from graphql import GraphQLError

from invoicegraph.domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    NotFound,
    PlanLimit,
    ServiceUnavailable,
    Unauthenticated,
    ValidationFailed,
)


@strawberry.enum(description="Why an input was refused.")
class ErrorCode(enum.Enum):
    INVALID = strawberry.enum_value("invalid", description="The value is not valid here.")
    REQUIRED = strawberry.enum_value("required", description="The field must be sent.")
    TOO_LONG = strawberry.enum_value("too_long", description="The text is too long.")
    TOO_SHORT = strawberry.enum_value("too_short", description="The text is too short.")
    TOO_MANY = strawberry.enum_value("too_many", description="The list has too many items.")
    OUT_OF_RANGE = strawberry.enum_value(
        "out_of_range", description="The number is out of its range."
    )
    INVALID_CHOICE = strawberry.enum_value(
        "invalid_choice", description="The value is not one of the allowed ones."
    )
    DUPLICATE = strawberry.enum_value(
        "duplicate", description="Another object has this value already."
    )
    NOT_FOUND = strawberry.enum_value(
        "not_found", description="The id names nothing of this account."
    )
    CONFLICT = strawberry.enum_value(
        "conflict", description="The object's state does not allow it."
    )
    IMMUTABLE = strawberry.enum_value(
        "immutable", description="An issued invoice's fiscal field cannot change."
    )
    NO_MATCH = strawberry.enum_value(
        "no_match", description="A rectification item matches no line of the original."
    )
    EXCEEDS_REMAINING = strawberry.enum_value(
        "exceeds_remaining", description="More than the original line still has to rectify."
    )
    UNCHANGED = strawberry.enum_value(
        "unchanged", description="A correction that leaves the line as it was."
    )
    BEFORE_LAST_ISSUE = strawberry.enum_value(
        "before_last_issue", description="The date precedes the series' last issue date."
    )
    IDEMPOTENCY_MISMATCH = strawberry.enum_value(
        "idempotency_mismatch", description="The Idempotency-Key was used with another request."
    )
    URL_REFUSED = strawberry.enum_value(
        "url_refused",
        description="The URL is not https, or it is (or resolves to) a private or loopback "
        "address, or its host does not resolve.",
    )


@strawberry.type(description="An input the operation refused, and why.")
class UserError:
    field: str | None = strawberry.field(
        description="Path of the offending input field, e.g. `lines.1.quantity`."
    )
    message: str = strawberry.field(description="What is wrong, for a person.")
    code: ErrorCode = strawberry.field(description="What is wrong, for a program.")


# service field names → the GraphQL input names
_RENAMES = {
    "client_id": "clientId",
    "serie_id": "seriesId",
    "due_date_id": "dueDateTermId",
    "payment_method_id": "paymentMethodId",
    "causa_rectificacion": "cause",
    "product_id": "productId",
    "template.id": "templateId",
}


def _camel(segment: str) -> str:
    return re.sub(r"_([a-z])", lambda m: m.group(1).upper(), segment)


def graphql_field(path: str) -> str:
    if path in _RENAMES:
        return _RENAMES[path]
    return ".".join(_RENAMES.get(part, _camel(part)) for part in path.split("."))


def _code(value: str) -> ErrorCode:
    try:
        return ErrorCode(value)
    except ValueError:
        return ErrorCode.INVALID


def top_level(code: str, message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


def user_errors(exc: DomainError) -> list[UserError]:
    """Translate an expected failure into payload errors, or raise it as a top-level error."""
    if isinstance(exc, Unauthenticated):
        raise top_level("UNAUTHENTICATED", exc.message)
    if isinstance(exc, Forbidden):
        raise top_level("FORBIDDEN", exc.message)
    if isinstance(exc, PlanLimit):
        raise top_level("PAYMENT_REQUIRED", exc.message)
    if isinstance(exc, ServiceUnavailable):
        raise top_level("SERVICE_UNAVAILABLE", exc.message)
    if isinstance(exc, ValidationFailed):
        listed = [
            UserError(field=graphql_field(f.field), message=f.message, code=_code(f.code))
            for f in exc.reported
        ]
        if exc.unreported:
            more = f"and {exc.unreported} more problems, not listed ({exc.total} in all)"
            listed.append(UserError(field=None, message=more, code=ErrorCode.INVALID))
        return listed
    if isinstance(exc, Conflict):
        fields: list[str | None] = list(exc.fields) or [None]
        return [
            UserError(
                field=graphql_field(f) if f else None, message=exc.message, code=ErrorCode.CONFLICT
            )
            for f in fields
        ]
    if isinstance(exc, NotFound):
        return [UserError(field="id", message=exc.message, code=ErrorCode.NOT_FOUND)]
    return [UserError(field=None, message=exc.message, code=ErrorCode.INVALID)]
