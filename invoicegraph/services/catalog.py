"""Series, payment methods and due-date terms: the small catalogues an invoice names.

Each has at most one default (series: one per kind) so that an invoice sent without them
still gets a series, a payment method and a due date. A series' numbering (``last_number``,
``last_issue_date``) is not an input here: only issuing advances it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeGuard, TypeVar

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError as StdnumError

from invoicegraph.db.models import Account, DueDateTerm, Invoice, PaymentMethod, Series
from invoicegraph.domain.errors import Conflict, FieldError, NotFound, ValidationFailed
from invoicegraph.domain.numbering import (
    SERIES_KINDS,
    check_number_format,
    check_series_code,
    format_number,
)
from invoicegraph.domain.validation import check_text
from invoicegraph.services.pagination import Page, PageRequest, paginate
from invoicegraph.services.refs import Ref, fetch
from invoicegraph.services.unset import UNSET, Maybe, is_set

PAYMENT_KINDS = ("bank_transfer", "card", "cash", "direct_debit", "other")
MAX_TERM_DAYS = 3650
MAX_FULL_NUMBER = 64  # the width of invoices.full_number
NUMBERING_FIELDS = ("code", "kind", "number_format")
FORMAT = "{code}{number}"
_LARGEST_NUMBER = 999_999_999


class _Flagged(Protocol):
    is_default: Maybe[bool]


class _Row(Protocol):
    @property
    def id(self) -> int: ...


T = TypeVar("T")
R = TypeVar("R", bound=_Row)
D = TypeVar("D", bound=_Flagged)
Check = Callable[[R, D, list[FieldError]], Awaitable[None]]


@dataclass(slots=True)
class SeriesInput:
    """Fields of a series; ``UNSET`` means "leave as is" (updates) or "the default"."""

    code: Maybe[str] = UNSET
    kind: Maybe[str] = UNSET
    name: Maybe[str | None] = UNSET
    number_format: Maybe[str] = UNSET
    is_default: Maybe[bool] = UNSET
    active: Maybe[bool] = UNSET


@dataclass(slots=True)
class PaymentMethodInput:
    name: Maybe[str] = UNSET
    kind: Maybe[str] = UNSET
    description: Maybe[str | None] = UNSET
    iban: Maybe[str | None] = UNSET
    is_default: Maybe[bool] = UNSET
    active: Maybe[bool] = UNSET


@dataclass(slots=True)
class DueDateTermInput:
    name: Maybe[str] = UNSET
    days: Maybe[int] = UNSET
    is_default: Maybe[bool] = UNSET
    active: Maybe[bool] = UNSET


def _flags(row: Any, data: Any, errors: list[FieldError]) -> None:
    """``is_default``/``active`` are NOT NULL: an explicit null is an error, not a reset."""
    for name in ("is_default", "active"):
        value = getattr(data, name)
        if not is_set(value):
            continue
        if isinstance(value, bool):
            setattr(row, name, value)
        else:
            errors.append(FieldError(name, "must be true or false"))


def _choice(value: object, field: str, choices: tuple[str, ...], errors: list[FieldError]) -> str:
    if isinstance(value, str) and value in choices:
        return value
    errors.append(FieldError(field, f"must be one of {', '.join(choices)}", "invalid_choice"))
    return choices[0]


def _given(value: Maybe[T], current: object, field: str, errors: list[FieldError]) -> TypeGuard[T]:
    """Whether a field was sent; when it was not and the new row has none, it is required."""
    if current is None and not is_set(value):
        errors.append(FieldError(field, "is required", "required"))
    return is_set(value)


async def lock_for_new_default(session: AsyncSession, model: Any, account: Account) -> None:
    """Lock the account's rows of ``model`` in id order before moving its default.

    Two concurrent "make X the default" calls would each clear the others and both keep their
    own flag. Taken before the target's own row lock, the fixed order makes callers queue
    instead of deadlocking, and the clearing UPDATE that follows runs on a fresh snapshot, so
    it also sees a default committed while we waited.
    """
    await session.execute(
        select(model.id).where(model.account_id == account.id).order_by(model.id).with_for_update()
    )


async def clear_other_defaults(
    session: AsyncSession, model: Any, account: Account, row_id: int, *scope: Any
) -> None:
    """Unset ``is_default`` on the account's other rows of ``model`` within ``scope``."""
    await session.execute(
        update(model)
        .where(model.account_id == account.id, model.id != row_id, model.is_default.is_(True))
        .where(*scope)
        .values(is_default=False)
        .execution_options(synchronize_session="fetch")
    )


async def _write(
    session: AsyncSession,
    account: Account,
    model: Any,
    row_of: Callable[[], Awaitable[R]],
    data: D,
    check: Check[R, D],
    default_scope: Callable[[R], list[Any]] = lambda row: [],
) -> R:
    """Create or update one row: validate every field, save, and when the row becomes the
    default, clear the flag on the others of its scope."""
    becomes_default = data.is_default is True
    async with session.begin():
        if becomes_default:
            await lock_for_new_default(session, model, account)
        row = await row_of()
        errors: list[FieldError] = []
        await check(row, data, errors)
        if errors:
            raise ValidationFailed(errors)
        session.add(row)
        await session.flush()
        if becomes_default:
            await clear_other_defaults(session, model, account, row.id, *default_scope(row))
        return row


async def _list(
    session: AsyncSession,
    account: Account,
    model: Any,
    page: PageRequest,
    orderable: Mapping[str, InstrumentedAttribute[Any]],
    active: bool | None,
    *conditions: Any,
) -> Page[Any]:
    scope = [model.account_id == account.id, *conditions]
    if active is not None:
        scope.append(model.active.is_(active))
    async with session.begin():
        return await paginate(session, model, scope, page, orderable=orderable)


# -- series -------------------------------------------------------------------------------


def _check_series_fields(series: Series, data: SeriesInput, errors: list[FieldError]) -> None:
    if _given(data.code, series.code, "code", errors):
        series.code = _domain_check(check_series_code, data.code, "code", errors)
    if is_set(data.kind) and data.kind != series.kind:
        series.kind = _choice(data.kind, "kind", SERIES_KINDS, errors)
        series.is_default = False  # it was the default of its old kind, not of the new one
    if is_set(data.name):
        series.name = check_text(data.name, "name", 120, errors)
    if is_set(data.number_format):
        series.number_format = _domain_check(
            check_number_format, data.number_format, "number_format", errors
        )
    _flags(series, data, errors)
    if not errors:
        _check_renders(series, errors)


def _domain_check(
    check: Callable[[str], str], value: str | None, field: str, errors: list[FieldError]
) -> str:
    """Run a raising domain check, collecting its errors with the others. A format such as
    ``{number[0]}`` makes ``str.format`` raise TypeError, which the check lets through."""
    try:
        return check(value or "")
    except ValidationFailed as exc:
        errors.extend(exc.fields)
    except (TypeError, ValueError) as exc:
        errors.append(FieldError(field, f"invalid: {exc}"))
    return ""


def _check_renders(series: Series, errors: list[FieldError]) -> None:
    """The format must render with this series' own code (a spec such as ``{number:{code}}``
    depends on it) and fit an invoice's number column even for a large number."""
    try:
        text = format_number(
            series.number_format, series.code, _LARGEST_NUMBER, dt.date(2099, 12, 31)
        )
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        errors.append(FieldError("number_format", f"invalid format: {exc}"))
        return
    if len(text) > MAX_FULL_NUMBER:
        errors.append(
            FieldError("number_format", f"renders longer than {MAX_FULL_NUMBER} characters")
        )


def _series_kind(kind: str) -> str:
    errors: list[FieldError] = []
    kind = _choice(kind, "kind", SERIES_KINDS, errors)
    if errors:
        raise ValidationFailed(errors)
    return kind


async def _has_issued(session: AsyncSession, account: Account, series: Series) -> bool:
    if series.last_number > 0:
        return True
    issued = await session.scalar(
        select(Invoice.id)
        .where(
            Invoice.account_id == account.id,
            Invoice.series_id == series.id,
            Invoice.status != "draft",
        )
        .limit(1)
    )
    return issued is not None


async def _write_series(
    session: AsyncSession,
    account: Account,
    row_of: Callable[[], Awaitable[Series]],
    data: SeriesInput,
) -> Series:
    """Validate, refuse a duplicate code, and refuse renumbering a series that has issued:
    its code, kind and format are part of numbers already given out."""

    async def check(series: Series, data: SeriesInput, errors: list[FieldError]) -> None:
        before = {name: getattr(series, name) for name in NUMBERING_FIELDS}
        _check_series_fields(series, data, errors)
        if errors:
            return
        clash = await session.scalar(
            select(Series.id).where(
                Series.account_id == account.id,
                Series.code == series.code,
                Series.id.is_distinct_from(series.id),
            )
        )
        if clash is not None:
            errors.append(FieldError("code", "another series has this code", "duplicate"))
            return
        changed = [name for name in NUMBERING_FIELDS if getattr(series, name) != before[name]]
        if series.id is not None and changed and await _has_issued(session, account, series):
            raise Conflict(
                f"the series has issued invoices: {', '.join(changed)} cannot change", changed
            )

    try:
        return await _write(
            session, account, Series, row_of, data, check, lambda s: [Series.kind == s.kind]
        )
    except IntegrityError:
        # the unique index caught a concurrent writer of the same code
        raise ValidationFailed.single("code", "another series has this code", "duplicate") from None


async def create_series(session: AsyncSession, account: Account, data: SeriesInput) -> Series:
    async def new() -> Series:
        return Series(account_id=account.id, code=None, kind="ordinary", number_format=FORMAT)

    return await _write_series(session, account, new, data)


async def update_series(
    session: AsyncSession, account: Account, ref: Ref, data: SeriesInput
) -> Series:
    async def existing() -> Series:
        return await fetch(session, Series, account, ref, entity="series", for_update=True)

    return await _write_series(session, account, existing, data)


async def get_series(session: AsyncSession, account: Account, ref: Ref) -> Series:
    async with session.begin():
        return await fetch(session, Series, account, ref, entity="series")


async def list_series(
    session: AsyncSession,
    account: Account,
    page: PageRequest,
    *,
    kind: str | None = None,
    active: bool | None = None,
) -> Page[Series]:
    conditions = [] if kind is None else [Series.kind == _series_kind(kind)]
    orderable = {"id": Series.id, "code": Series.code, "name": Series.name}
    return await _list(session, account, Series, page, orderable, active, *conditions)


async def default_series(
    session: AsyncSession, account: Account, kind: str, *, for_update: bool = False
) -> Series:
    """The active default series of ``kind``; NotFound when the account has none. It joins the
    caller's transaction when there is one, so issuing can take it under its row lock."""
    statement = select(Series).where(
        Series.account_id == account.id,
        Series.kind == _series_kind(kind),
        Series.is_default.is_(True),
        Series.active.is_(True),
    )
    if for_update:
        statement = statement.with_for_update()
    if session.in_transaction():
        series = await session.scalar(statement)
    else:
        async with session.begin():
            series = await session.scalar(statement)
    if series is None:
        raise NotFound(f"default {kind} series")
    return series


# -- payment methods ----------------------------------------------------------------------


async def _check_payment_method(
    method: PaymentMethod, data: PaymentMethodInput, errors: list[FieldError]
) -> None:
    if _given(data.name, method.name, "name", errors):
        method.name = check_text(data.name, "name", 120, errors, required=True)
    if is_set(data.kind):
        method.kind = _choice(data.kind, "kind", PAYMENT_KINDS, errors)
    if is_set(data.description):
        method.description = check_text(data.description, "description", 500, errors)
    if is_set(data.iban):
        method.iban = _check_iban(data.iban, errors)
    _flags(method, data, errors)


def _check_iban(value: str | None, errors: list[FieldError]) -> str | None:
    """The compact IBAN (``ES91 2100 …`` → ``ES9121…``); empty or null clears it."""
    if value is None or not value.strip():
        return None
    try:
        return str(stdnum_iban.validate(value))
    except StdnumError as exc:
        errors.append(FieldError("iban", f"{value.strip()!r} is not a valid IBAN: {exc}"))
        return None


async def create_payment_method(
    session: AsyncSession, account: Account, data: PaymentMethodInput
) -> PaymentMethod:
    async def new() -> PaymentMethod:
        return PaymentMethod(account_id=account.id, name=None, kind="bank_transfer", description="")

    return await _write(session, account, PaymentMethod, new, data, _check_payment_method)


async def update_payment_method(
    session: AsyncSession, account: Account, ref: Ref, data: PaymentMethodInput
) -> PaymentMethod:
    async def existing() -> PaymentMethod:
        return await fetch(
            session, PaymentMethod, account, ref, entity="payment method", for_update=True
        )

    return await _write(session, account, PaymentMethod, existing, data, _check_payment_method)


async def get_payment_method(session: AsyncSession, account: Account, ref: Ref) -> PaymentMethod:
    async with session.begin():
        return await fetch(session, PaymentMethod, account, ref, entity="payment method")


async def list_payment_methods(
    session: AsyncSession, account: Account, page: PageRequest, *, active: bool | None = None
) -> Page[PaymentMethod]:
    orderable = {"id": PaymentMethod.id, "name": PaymentMethod.name}
    return await _list(session, account, PaymentMethod, page, orderable, active)


# -- due-date terms -----------------------------------------------------------------------


async def _check_term(term: DueDateTerm, data: DueDateTermInput, errors: list[FieldError]) -> None:
    if _given(data.name, term.name, "name", errors):
        term.name = check_text(data.name, "name", 120, errors, required=True)
    if _given(data.days, term.days, "days", errors):
        days = data.days
        if isinstance(days, bool) or not isinstance(days, int):
            errors.append(FieldError("days", "must be a whole number of days"))
        elif not 0 <= days <= MAX_TERM_DAYS:
            errors.append(
                FieldError("days", f"must be between 0 and {MAX_TERM_DAYS}", "out_of_range")
            )
        else:
            term.days = days
    _flags(term, data, errors)


async def create_due_date_term(
    session: AsyncSession, account: Account, data: DueDateTermInput
) -> DueDateTerm:
    async def new() -> DueDateTerm:
        return DueDateTerm(account_id=account.id, name=None, days=None)

    return await _write(session, account, DueDateTerm, new, data, _check_term)


async def update_due_date_term(
    session: AsyncSession, account: Account, ref: Ref, data: DueDateTermInput
) -> DueDateTerm:
    async def existing() -> DueDateTerm:
        return await fetch(
            session, DueDateTerm, account, ref, entity="due date term", for_update=True
        )

    return await _write(session, account, DueDateTerm, existing, data, _check_term)


async def get_due_date_term(session: AsyncSession, account: Account, ref: Ref) -> DueDateTerm:
    async with session.begin():
        return await fetch(session, DueDateTerm, account, ref, entity="due date term")


async def list_due_date_terms(
    session: AsyncSession, account: Account, page: PageRequest, *, active: bool | None = None
) -> Page[DueDateTerm]:
    orderable = {"id": DueDateTerm.id, "name": DueDateTerm.name, "days": DueDateTerm.days}
    return await _list(session, account, DueDateTerm, page, orderable, active)


def due_date_for(term: DueDateTerm, date: dt.date) -> dt.date:
    """The due date of an invoice dated ``date`` under ``term`` (calendar days)."""
    return date + dt.timedelta(days=term.days)
