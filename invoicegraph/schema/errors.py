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
    INVALID = "invalid"
    REQUIRED = "required"
    TOO_LONG = "too_long"
    TOO_SHORT = "too_short"
    TOO_MANY = "too_many"
    OUT_OF_RANGE = "out_of_range"
    INVALID_CHOICE = "invalid_choice"
    DUPLICATE = "duplicate"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    IMMUTABLE = "immutable"
    NO_MATCH = "no_match"
    EXCEEDS_REMAINING = "exceeds_remaining"
    BEFORE_LAST_ISSUE = "before_last_issue"
    IDEMPOTENCY_MISMATCH = "idempotency_mismatch"


@strawberry.type(description="An input the operation refused, and why.")
class UserError:
    field: str | None = strawberry.field(
        description="Path of the offending input field, e.g. `lines.1.quantity`."
    )
    message: str
    code: ErrorCode


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
