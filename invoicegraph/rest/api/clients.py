"""``/api/clients``: list (with ``?search=`` and ``?tax_id=``), create, find-or-create by tax
id (the e-commerce pattern of the seed), and fetch one."""

from __future__ import annotations

import orjson
from starlette.responses import Response

from invoicegraph.rest.api import parse
from invoicegraph.rest.api.models import ApiClientQuery
from invoicegraph.rest.api.shapes import client_json, cursor_page
from invoicegraph.rest.endpoint import Call
from invoicegraph.services.clients import (
    create_client,
    find_or_create_client,
    get_client,
    list_clients,
)
from invoicegraph.sqlread import api as sql_api
from invoicegraph.sqlread import invoices as sql_reads


async def list_clients_route(call: Call) -> Response:
    """List clients, newest first. ``?search=`` (3+ characters) looks in name, tax id and
    email; ``?tax_id=`` matches a tax id exactly."""
    query: ApiClientQuery = call.params
    page = parse.page_request(query.limit, query.cursor)
    filters = {"search": query.search, "tax_id": query.tax_id}
    async with call.session() as session:
        if call.sql_reads:
            built = await sql_reads.client_page(
                session, call.auth.account, page, sql_api.client, **filters
            )
            return call.json(cursor_page(built.data, built))
        found = await list_clients(session, call.auth.account, page, **filters)
    return call.json(cursor_page([client_json(client) for client in found.items], found))


async def create_client_route(call: Call) -> Response:
    """Create a client; 422 when another client already has its tax id."""
    data = parse.client_input(call.body)
    async with call.session() as session:
        client = await create_client(session, call.auth.account, data)
    return call.json(client_json(client), 201)


async def find_or_create_client_route(call: Call) -> Response:
    """The client with this ``tax_id``, created from the body when there is none yet:
    201 ``{"client", "created": true}`` or 200 ``{"client", "created": false}``."""
    data = parse.client_input(call.body)
    async with call.session() as session:
        client, created = await find_or_create_client(session, call.auth.account, data)
    return call.json({"client": client_json(client), "created": created}, 201 if created else 200)


async def get_client_route(call: Call) -> Response:
    """Get a single client."""
    ref = call.path_ref()
    async with call.session() as session:
        if call.sql_reads:
            document = await sql_reads.client_document(
                session, call.auth.account, ref, sql_api.client
            )
            return call.json(orjson.Fragment(document))
        client = await get_client(session, call.auth.account, ref)
    return call.json(client_json(client))
