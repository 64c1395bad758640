"""``/api/quotes``: list (``?external_reference=`` exact match), create, fetch one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
from starlette.responses import Response

from invoicegraph.db.models import Quote
from invoicegraph.rest.api import parse
from invoicegraph.rest.api.fieldnames import QUOTE_FIELDS, dialect_names
from invoicegraph.rest.api.models import ApiQuote, ApiQuoteQuery
from invoicegraph.rest.api.shapes import cursor_page, quote_json
from invoicegraph.rest.endpoint import Call
from invoicegraph.services.public_ids import quote_public_ids
from invoicegraph.services.quotes import create_quote, get_quote, list_quotes
from invoicegraph.sqlread import api as sql_api
from invoicegraph.sqlread import invoices as sql_reads


async def _shaped(call: Call, quotes: Sequence[Quote]) -> list[ApiQuote]:
    async with call.session() as session:
        ids = await quote_public_ids(session, call.auth.account, quotes)
    return [quote_json(quote, ids) for quote in quotes]


async def list_quotes_route(call: Call) -> Response:
    """List quotes with their items, newest first; ``?external_reference=`` matches exactly,
    ``?status=`` and ``?client_id=`` narrow further."""
    query: ApiQuoteQuery = call.params
    page = parse.page_request(query.limit, query.cursor)
    filters: dict[str, Any] = {
        "external_reference": query.external_reference,
        "status": query.status,
        "client": query.client_id,
    }
    async with call.session() as session:
        if call.sql_reads:
            built = await sql_reads.quote_page(
                session, call.auth.account, page, sql_api.quote, **filters
            )
            return call.json(cursor_page(built.data, built))
        found = await list_quotes(session, call.auth.account, page, **filters, with_lines=True)
    return call.json(cursor_page(await _shaped(call, found.items), found))


async def create_quote_route(call: Call) -> Response:
    """Create a quote (answered as the quote itself)."""
    data = parse.quote_data(call.body)
    with dialect_names(QUOTE_FIELDS):
        async with call.session() as session:
            quote = await create_quote(session, call.auth.account, data)
    [shaped] = await _shaped(call, [quote])
    return call.json(shaped, 201)


async def get_quote_route(call: Call) -> Response:
    """Get a single quote with its items."""
    ref = call.path_ref()
    async with call.session() as session:
        if call.sql_reads:
            document = await sql_reads.quote_document(
                session, call.auth.account, ref, sql_api.quote
            )
            return call.json(orjson.Fragment(document))
        quote = await get_quote(session, call.auth.account, ref)
    [shaped] = await _shaped(call, [quote])
    return call.json(shaped)
