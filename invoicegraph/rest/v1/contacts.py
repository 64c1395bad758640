"""``/v1/contacts``: the recipients an invoice names by ``contact_id``.

The seed documents only the id; a contact reads and is written with the names of the invoice's
``issued_to`` (``number`` is the tax id, ``population`` the city, ``province_state`` the
province, ``zip`` the postal code), so what a client reads back on an invoice is what it sent.
"""

from __future__ import annotations

import orjson
from starlette.responses import Response

from invoicegraph.db.models import Client
from invoicegraph.rest.endpoint import Call
from invoicegraph.rest.fields import shaped
from invoicegraph.rest.v1.catalog import get_one, list_page
from invoicegraph.rest.v1.models import PARTY, V1Contact
from invoicegraph.rest.v1.pagination import envelope, page_request
from invoicegraph.rest.v1.shapes import stamps
from invoicegraph.services import clients
from invoicegraph.services.clients import ClientInput
from invoicegraph.sqlread import invoices as sql_reads
from invoicegraph.sqlread import v1 as sql_v1


def contact_shape(client: Client) -> V1Contact:
    return shaped(V1Contact, client, PARTY, **stamps(client))


async def list_contacts(call: Call) -> Response:
    """Contacts, ascending by id; ``search`` (3 characters or more) looks in name, tax id and
    email."""
    if call.sql_reads:
        async with call.session() as session:
            found = await sql_reads.client_page(
                session,
                call.auth.account,
                page_request(call.params),
                sql_v1.contact,
                search=call.params.search,
            )
        return call.json(envelope(call, found.data, found, call.params, len(found.items)))
    return await list_page(call, clients.list_clients, contact_shape)


async def get_contact(call: Call) -> Response:
    """One contact."""
    if call.sql_reads:
        async with call.session() as session:
            document = await sql_reads.client_document(
                session, call.auth.account, call.path_ref(), sql_v1.contact
            )
        return call.json({"data": orjson.Fragment(document)})
    return await get_one(call, clients.get_client, contact_shape)


async def create_contact(call: Call) -> Response:
    """Create a contact to invoice (its ``id`` is the ``contact_id`` of an invoice)."""
    data = ClientInput(**call.body.sent(PARTY))
    async with call.session() as session:
        client = await clients.create_client(session, call.auth.account, data)
    return call.json({"data": contact_shape(client)}, 201)
