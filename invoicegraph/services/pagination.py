"""Pagination for every list: offset pages (the /v1 dialect's page/per_page) and keyset
cursors (GraphQL connections) over an index that leads with the account, so the millionth
row costs what the first does."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

from sqlalchemy import BigInteger, func, literal, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from invoicegraph.domain.errors import ValidationFailed

MAX_PAGE_SIZE = 100
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PageRequest:
    """``limit`` rows ordered by ``order_by`` (then id). Either ``offset``, or a keyset
    cursor: ``after`` (rows following it) or ``before`` (rows preceding it)."""

    limit: int = 25
    offset: int = 0
    order_by: str = "id"
    descending: bool = True
    after: str | None = None
    before: str | None = None
    with_total: bool = True

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_PAGE_SIZE:
            raise ValidationFailed.single("limit", f"must be between 1 and {MAX_PAGE_SIZE}")
        if self.offset < 0:
            raise ValidationFailed.single("offset", "must not be negative")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    total: int | None
    has_next: bool
    has_previous: bool
    cursors: list[str]


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps([_plain(v) for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, field: str) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(values, list) or len(values) != 2:
            raise ValueError
        return values
    except (ValueError, TypeError):
        raise ValidationFailed.single(field, "is not a cursor of this list") from None


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _or(value: Any, sentinel: Any) -> Any:
    return sentinel if value is None else value


def _revive(column: InstrumentedAttribute[Any], value: Any) -> Any:
    python_type = column.type.python_type
    if value is None:
        return None
    if python_type is dt.datetime:
        return dt.datetime.fromisoformat(value)
    if python_type is dt.date:
        return dt.date.fromisoformat(value)
    if python_type is Decimal:
        return Decimal(value)
    return value


# What a NULL sorts as, so that ordering and keyset comparison agree on both databases (NULLs
# come last when descending, first when ascending) and a cursor never compares with NULL.
_NULL_SORTS_AS: dict[type, Any] = {
    str: "",
    dt.date: dt.date(1, 1, 1),
    dt.datetime: dt.datetime(1, 1, 1, tzinfo=dt.UTC),
    Decimal: Decimal("-999999999999"),
    int: -(2**31),  # the least INTEGER of PostgreSQL: a larger one does not bind to the column
}
_BIG_NULL_SORTS_AS = -(2**62)


def _sort_key(column: InstrumentedAttribute[Any]) -> tuple[Any, Any]:
    """The expression to order by and the value a NULL stands for (None when not nullable)."""
    nullable = bool(getattr(column.property.columns[0], "nullable", False))
    if not nullable:
        return column, None
    sentinel = _NULL_SORTS_AS[column.type.python_type]
    if isinstance(column.type, BigInteger):
        sentinel = _BIG_NULL_SORTS_AS
    return func.coalesce(column, literal(sentinel, type_=column.type)), sentinel


@dataclass(frozen=True, slots=True)
class PageQuery:
    """A page's rows as one statement (``limit + 1`` of them, to know whether more follow),
    shared by the ORM path (``paginate``) and the SQL-built answers (``invoicegraph.sqlread``)
    so that both filter, order and cut pages identically."""

    statement: Any  # select(model.id) under the conditions, ordered, limited, offset
    sort_by: Any  # the ordering expression (NULLs replaced by their sentinel)
    ordering: tuple[Any, ...]
    sentinel: Any
    name: str  # the ordering column's attribute
    backwards: bool  # read with ``before``: the rows come newest-last and are reversed

    def finish(self, page: PageRequest, count: int) -> tuple[bool, bool]:
        """``(has_next, has_previous)`` for ``count`` rows read."""
        more = count > page.limit
        if self.backwards:
            return page.before is not None, more
        return more, page.after is not None or page.offset > 0


def page_query(
    model: Any,
    conditions: Sequence[Any],
    page: PageRequest,
    *,
    orderable: Mapping[str, InstrumentedAttribute[Any]],
) -> PageQuery:
    column = orderable.get(page.order_by)
    if column is None:
        raise ValidationFailed.single(
            "order", f"can order by {', '.join(sorted(orderable))}", "invalid_choice"
        )
    sort_by, sentinel = _sort_key(column)
    key = tuple_(sort_by, model.id)
    backwards = page.before is not None
    descending = page.descending != backwards
    statement = select(model.id).where(*conditions)
    for cursor, field in ((page.after, "after"), (page.before, "before")):
        if cursor is not None:
            value, ident = decode_cursor(cursor, field)
            try:
                revived = _revive(column, value)
                anchor = tuple_(
                    literal(revived, type_=column.type), literal(int(ident), type_=BigInteger())
                )
            except (ValueError, TypeError, ArithmeticError):
                raise ValidationFailed.single(field, "is not a cursor of this list") from None
            forward = field == "after"
            statement = statement.where(
                key < anchor if page.descending == forward else key > anchor
            )
    ordering = (sort_by.desc(), model.id.desc()) if descending else (sort_by.asc(), model.id.asc())
    statement = statement.order_by(*ordering).limit(page.limit + 1)
    if page.after is None and page.before is None and page.offset:
        statement = statement.offset(page.offset)
    return PageQuery(statement, sort_by, ordering, sentinel, column.key, backwards)


def cursor_of(query: PageQuery, value: Any, ident: int) -> str:
    """The cursor of a row whose ordering value is ``value`` (None when NULL)."""
    return encode_cursor([_or(value, query.sentinel), ident])


async def paginate(
    session: AsyncSession,
    model: Any,
    conditions: Sequence[Any],
    page: PageRequest,
    *,
    orderable: Mapping[str, InstrumentedAttribute[Any]],
    options: Sequence[Any] = (),
) -> Page[Any]:
    query = page_query(model, conditions, page, orderable=orderable)
    statement = query.statement.with_only_columns(model).options(*options)
    rows = list((await session.scalars(statement)).all())
    has_next, has_previous = query.finish(page, len(rows))
    rows = rows[: page.limit]
    if query.backwards:
        rows.reverse()
    total = None
    if page.with_total:
        total = await session.scalar(select(func.count()).select_from(model).where(*conditions))
    cursors = [cursor_of(query, getattr(row, query.name), row.id) for row in rows]
    return Page(
        items=rows,
        total=total,
        has_next=has_next,
        has_previous=has_previous,
        cursors=cursors,
    )
