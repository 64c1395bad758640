"""Run a compiled document: a page of rows, or one row, as JSON text written by the database.

A page is ONE statement: the page's keys (the same ``page_query`` the ORM path uses, so filters,
order, offsets and cursors cut the same rows), each row's document built from its keys, and the
list's total as a scalar subquery, outer-joined to a one-row select so that an empty page still
answers its total. Python receives one text per row and joins them; it never sees a field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import and_, func, literal_column, null, select, true, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from invoicegraph.services.pagination import PageQuery, PageRequest, cursor_of, page_query


@dataclass(frozen=True, slots=True)
class JsonPage:
    """A page whose items are JSON texts, in page order."""

    items: list[str]
    total: int | None
    has_next: bool
    has_previous: bool
    keys: list[tuple[Any, int]]  # (ordering value, id) of each item, for its cursor
    query: PageQuery

    @property
    def data(self) -> orjson.Fragment:
        """The items as one JSON array, to embed in an answer as it is."""
        return orjson.Fragment("[" + ",".join(self.items) + "]")

    def cursor(self, index: int) -> str:
        value, ident = self.keys[index]
        return cursor_of(self.query, value, ident)

    @property
    def cursors(self) -> list[str]:
        return [self.cursor(index) for index in range(len(self.items))]


def _plain(column: Any) -> Any:
    """The column as a plain expression of its type: the same SQL, but a subquery's column of
    it is a bare column, where a table column's copy carries copies of its foreign keys and
    their event listeners (a third of the statement's build time, and cyclic garbage)."""
    return type_coerce(column, column.type)


@dataclass(frozen=True, slots=True)
class _Template:
    """A page statement built once, and the bound parameters of the page query it was built
    around, in the order SQLAlchemy's cache key lists them."""

    statement: Any
    parameters: tuple[Any, ...]


# page statements by the cache key of their page query (the structure of its conditions, order
# and cut, not their values), their document and whether they count the list
_TEMPLATES: dict[tuple[Any, ...], _Template] = {}
MAX_TEMPLATES = 256


def _page_statement(
    model: Any, conditions: Sequence[Any], query: PageQuery, document: str, with_total: bool
) -> Any:
    """The page statement around ``query``: its keys, each row's document, the total."""
    keys = query.statement.with_only_columns(
        _plain(model.account_id).label("account_id"),
        _plain(model.id).label("id"),
        _plain(query.sort_by).label("sort_key"),
        func.row_number().over(order_by=query.ordering).label("position"),
    ).subquery("page_keys")
    table = model.__table__
    documents = (
        select(
            keys.c.position,
            keys.c.id,
            keys.c.sort_key,
            literal_column(document).label("document"),
        )
        .select_from(
            keys.join(table, and_(table.c.account_id == keys.c.account_id, table.c.id == keys.c.id))
        )
        .subquery("page_documents")
    )
    if with_total:
        total: Any = select(func.count()).select_from(model).where(*conditions).scalar_subquery()
    else:
        total = null()
    counted = select(total.label("total")).subquery("counted")
    return (
        select(counted.c.total, documents.c.id, documents.c.sort_key, documents.c.document)
        .select_from(counted.outerjoin(documents, true()))
        .order_by(documents.c.position)
    )


def _bound_page(
    model: Any, conditions: Sequence[Any], query: PageQuery, document: str, with_total: bool
) -> tuple[Any, dict[str, Any]]:
    """The page statement and the values of this request's parameters.

    Building the statement (three nested selects and their column collections) and its cache
    key was most of a page's Python time, yet only its parameters' values differ between two
    requests of the same structure. The statement is built once per structure, which the page
    query's cache key names (the count's conditions are the page query's own, so their
    parameters are among its), and each request passes its page query's values for the
    template's parameters, position by position."""
    cache_key = query.statement._generate_cache_key()
    if cache_key is None:  # a construct SQLAlchemy cannot cache: built afresh
        return _page_statement(model, conditions, query, document, with_total), {}
    key = (model.__table__.name, cache_key.key, document, with_total)
    template = _TEMPLATES.get(key)
    if template is None:
        statement = _page_statement(model, conditions, query, document, with_total)
        if len(_TEMPLATES) >= MAX_TEMPLATES:
            _TEMPLATES.clear()
        _TEMPLATES[key] = _Template(statement, tuple(cache_key.bindparams))
        return statement, {}
    values = {
        kept.key: (new.effective_value)
        for kept, new in zip(template.parameters, cache_key.bindparams, strict=True)
    }
    return template.statement, values


async def json_page(
    session: AsyncSession,
    model: Any,
    conditions: Sequence[Any],
    page: PageRequest,
    document: str,
    *,
    orderable: Mapping[str, InstrumentedAttribute[Any]],
) -> JsonPage:
    """``document`` is the SQL of one row's JSON, over the model's table by its own name."""
    query = page_query(model, conditions, page, orderable=orderable)
    statement, values = _bound_page(model, conditions, query, document, page.with_total)
    # a Core execution: the rows are plain columns, nothing for the ORM to load
    connection = await session.connection()
    rows = (await connection.execute(statement, values)).all()
    read = [row for row in rows if row.document is not None]
    has_next, has_previous = query.finish(page, len(read))
    read = read[: page.limit]
    if query.backwards:
        read.reverse()
    return JsonPage(
        items=[row.document for row in read],
        total=rows[0].total if page.with_total else None,
        has_next=has_next,
        has_previous=has_previous,
        keys=[(row.sort_key, row.id) for row in read],
        query=query,
    )


async def json_one(
    session: AsyncSession, model: Any, conditions: Sequence[Any], document: str
) -> str | None:
    """The document of the one row the conditions name (None when there is none)."""
    statement: Any = select(literal_column(document)).select_from(model).where(*conditions)
    text: str | None = await session.scalar(statement)
    return text
