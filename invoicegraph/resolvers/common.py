"""What every resolver shares: the caller, refs from GraphQL ids, and running a service as a
mutation with its expected failures turned into payload errors."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from invoicegraph.db.models import Account
from invoicegraph.domain.errors import DomainError, NotFound, ValidationFailed
from invoicegraph.domain.validation import parse_id
from invoicegraph.schema.context import Info
from invoicegraph.schema.error_codes import bad_input
from invoicegraph.schema.errors import UserError, top_level, user_errors
from invoicegraph.schema.node import from_global_id
from invoicegraph.services.api_keys import AuthContext
from invoicegraph.services.refs import Ref
from invoicegraph.services.unset import UNSET, Unset

T = TypeVar("T")


def caller(info: Info) -> AuthContext:
    context = info.context
    if context.auth is None:
        message = context.auth_error.message if context.auth_error else "missing API key"
        raise top_level("UNAUTHENTICATED", message)
    return context.auth


def writer(info: Info) -> AuthContext:
    auth = caller(info)
    if auth.access not in ("write", "admin"):
        raise top_level("FORBIDDEN", "this API key is read-only")
    return auth


def admin(info: Info) -> AuthContext:
    auth = caller(info)
    if auth.access != "admin":
        raise top_level("FORBIDDEN", "this operation needs an admin API key")
    return auth


def to_ref(value: str | int, field: str, expected: str | None = None) -> Ref:
    """A global id, a UUID, or an integer id → a service ref. ``field`` names it in errors."""
    if isinstance(value, int):
        return value
    text = str(value).strip()
    number = parse_id(text)
    if number is not None:
        return number
    if text.isdigit():  # other digits (¹, ١) or beyond BIGINT: never an id
        raise ValidationFailed.single(field, f"{text!r} is not an id", "invalid")
    try:
        return uuid.UUID(text)
    except ValueError:
        pass
    decoded = from_global_id(text)
    if decoded is None or (expected is not None and decoded[0] != expected):
        kind = expected or "object"
        shown = text if len(text) <= 60 else text[:60] + "…"
        raise ValidationFailed.single(field, f"{shown!r} is not a {kind} id", "invalid")
    return decoded[1]


def arg_ref(value: str | int, field: str, expected: str | None = None) -> Ref:
    """``to_ref`` for query arguments: a malformed id is a top-level BAD_USER_INPUT error."""
    try:
        return to_ref(value, field, expected)
    except ValidationFailed as exc:
        raise bad_input(f"{field}: {exc.fields[0].message}", field) from None


def maybe(value: Any) -> Any:
    """strawberry's UNSET → the services' UNSET."""
    return UNSET if value is strawberry.UNSET else value


def maybe_ref(value: Any, field: str, expected: str | None = None) -> Ref | Unset | None:
    value = maybe(value)
    if value is UNSET or value is None:
        return value  # type: ignore[no-any-return]
    return to_ref(value, field, expected)


async def mutate(
    info: Info,
    work: Callable[[AsyncSession, Account], Awaitable[T]],
    *,
    access: str = "write",
) -> tuple[T | None, list[UserError]]:
    """Run ``work`` for the caller; expected failures become payload errors, while
    authentication, permission and plan limits raise top-level errors."""
    auth = admin(info) if access == "admin" else writer(info)
    try:
        async with info.context.database.sessions() as session:
            return await work(session, auth.account), []
    except DomainError as exc:
        return None, user_errors(exc)


async def lookup(info: Info, work: Callable[[AsyncSession, Account], Awaitable[T]]) -> T | None:
    """A single object for the caller, or None when it does not exist (or is another
    account's: the two are indistinguishable)."""
    auth = caller(info)
    try:
        async with info.context.database.sessions() as session:
            return await work(session, auth.account)
    except NotFound:
        return None


async def query(info: Info, work: Callable[[AsyncSession, Account], Awaitable[T]]) -> T:
    """Run a read for the caller; a validation problem in the arguments is a top-level error."""
    auth = caller(info)
    try:
        async with info.context.database.sessions() as session:
            return await work(session, auth.account)
    except DomainError as exc:
        errors = user_errors(exc)
        detail = "; ".join(f"{e.field}: {e.message}" if e.field else e.message for e in errors)
        raise bad_input(detail, errors[0].field if errors else None) from None
