"""Invoices read as JSON the database writes: the pages and single invoices of each face,
filtered, ordered and cut exactly as ``services.invoices`` lists and loads them."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from invoicegraph.db.models import Account, Invoice
from invoicegraph.domain.errors import NotFound
from invoicegraph.services.invoices.listing import ORDERABLE, InvoiceFilter, conditions_for
from invoicegraph.services.pagination import PageRequest
from invoicegraph.services.refs import Ref, ref_filter
from invoicegraph.sqlread.documents import Compiler, document_sql
from invoicegraph.sqlread.page import JsonPage, json_one, json_page


async def invoice_page(
    session: AsyncSession,
    account: Account,
    page: PageRequest,
    flt: InvoiceFilter,
    compiler: Compiler,
) -> JsonPage:
    conditions = conditions_for(account, flt)
    document = document_sql(compiler, session, account)
    async with session.begin():
        return await json_page(session, Invoice, conditions, page, document, orderable=ORDERABLE)


async def invoice_document(
    session: AsyncSession, account: Account, ref: Ref, compiler: Compiler
) -> str:
    """The invoice's document; not found as ``services.invoices.get_invoice`` says it."""
    if isinstance(ref, bool) or (isinstance(ref, int) and not 0 < ref < 2**63):
        raise NotFound("invoice", ref)
    document = document_sql(compiler, session, account)
    async with session.begin():
        found = await json_one(session, Invoice, ref_filter(Invoice, account, ref), document)
    if found is None:
        raise NotFound("invoice", ref)
    return found
