"""Invoices, quotes and clients read as JSON the database writes: the pages and single
documents of each face, filtered, ordered and cut exactly as the services list and load them
(the services' own conditions and orderable columns)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from invoicegraph.db.models import Account, Client, Invoice, Quote
from invoicegraph.domain.errors import NotFound
from invoicegraph.services import clients as client_service
from invoicegraph.services import quotes as quote_service
from invoicegraph.services.invoices.listing import ORDERABLE, InvoiceFilter, conditions_for
from invoicegraph.services.pagination import PageRequest
from invoicegraph.services.refs import Ref, ref_filter
from invoicegraph.sqlread.documents import Compiler, document_sql, engine_of
from invoicegraph.sqlread.page import JsonPage, json_one, json_page


@asynccontextmanager
async def one_statement(session: AsyncSession) -> AsyncIterator[None]:
    """Where a read that is one statement runs. On PostgreSQL it needs no transaction of its
    own (a statement reads one snapshot, its total and its rows alike), so it runs in
    autocommit: no BEGIN and no COMMIT, two round trips fewer. SQLite keeps its transaction
    (``db.engine`` begins it).

    The session must not have used its connection yet; the pool sets the connection's
    isolation back when it returns."""
    if engine_of(session) == "postgresql":
        await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        yield
    else:
        async with session.begin():
            yield


async def rows_page(
    session: AsyncSession,
    account: Account,
    model: Any,
    conditions: Sequence[Any],
    page: PageRequest,
    compiler: Compiler,
    orderable: Mapping[str, InstrumentedAttribute[Any]],
) -> JsonPage:
    document = document_sql(compiler, session, account)
    async with one_statement(session):
        return await json_page(session, model, conditions, page, document, orderable=orderable)


async def row_document(
    session: AsyncSession, account: Account, model: Any, ref: Ref, compiler: Compiler, entity: str
) -> str:
    """The row's document; not found as ``services.refs.fetch`` says it."""
    if isinstance(ref, bool) or (isinstance(ref, int) and not 0 < ref < 2**63):
        raise NotFound(entity, ref)
    document = document_sql(compiler, session, account)
    async with one_statement(session):
        found = await json_one(session, model, ref_filter(model, account, ref), document)
    if found is None:
        raise NotFound(entity, ref)
    return found


async def invoice_page(
    session: AsyncSession,
    account: Account,
    page: PageRequest,
    flt: InvoiceFilter,
    compiler: Compiler,
) -> JsonPage:
    conditions = conditions_for(account, flt)
    return await rows_page(session, account, Invoice, conditions, page, compiler, ORDERABLE)


async def invoice_document(
    session: AsyncSession, account: Account, ref: Ref, compiler: Compiler
) -> str:
    """The invoice's document; not found as ``services.invoices.get_invoice`` says it."""
    return await row_document(session, account, Invoice, ref, compiler, "invoice")


async def quote_page(
    session: AsyncSession,
    account: Account,
    page: PageRequest,
    compiler: Compiler,
    *,
    external_reference: str | None = None,
    status: str | None = None,
    client: Ref | None = None,
) -> JsonPage:
    conditions = quote_service.quote_conditions(
        account, external_reference=external_reference, status=status, client=client
    )
    return await rows_page(
        session, account, Quote, conditions, page, compiler, quote_service.ORDERABLE
    )


async def quote_document(
    session: AsyncSession, account: Account, ref: Ref, compiler: Compiler
) -> str:
    return await row_document(session, account, Quote, ref, compiler, "quote")


async def client_page(
    session: AsyncSession,
    account: Account,
    page: PageRequest,
    compiler: Compiler,
    *,
    search: str | None = None,
    tax_id: str | None = None,
) -> JsonPage:
    conditions = client_service.client_conditions(account, search=search, tax_id=tax_id)
    return await rows_page(
        session, account, Client, conditions, page, compiler, client_service.ORDERABLE
    )


async def client_document(
    session: AsyncSession, account: Account, ref: Ref, compiler: Compiler
) -> str:
    return await row_document(session, account, Client, ref, compiler, "client")
