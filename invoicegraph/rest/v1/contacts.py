"""``/v1/contacts``: the recipients an invoice names by ``contact_id``.

The seed documents only the id; a contact reads and is written with the names of the invoice's
``issued_to`` (``number`` is the tax id, ``population`` the city, ``province_state`` the
province, ``zip`` the postal code), so what a client reads back on an invoice is what it sent.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.responses import Response

from invoicegraph.db.models import Client
from invoicegraph.rest.endpoint import Call
from invoicegraph.rest.v1.catalog import get_one, list_page
from invoicegraph.rest.v1.parse import Fields, body_object
from invoicegraph.rest.v1.shapes import timestamp
from invoicegraph.services import clients
from invoicegraph.services.clients import ClientInput
from invoicegraph.services.unset import is_set

COUNTRY_PATTERN = "^[A-Za-z]{2}$"
COUNTRY = re.compile(COUNTRY_PATTERN)
# dialect name → ClientInput field, and the longest value the dialect reads
FIELDS = {
    "number": ("tax_id", 64),
    "email": ("email", 255),
    "phone": ("phone", 40),
    "address": ("address", 255),
    "population": ("city", 120),
    "province_state": ("province", 120),
    "country": ("country", 2),
    "zip": ("postal_code", 20),
    "notes": ("notes", 5000),
}


def contact_shape(client: Client) -> dict[str, Any]:
    return {
        "id": client.id,
        "name": client.name,
        "number": client.tax_id,
        "email": client.email,
        "phone": client.phone,
        "address": client.address,
        "population": client.city,
        "province_state": client.province,
        "country": client.country,
        "zip": client.postal_code,
        "notes": client.notes,
        "created_at": timestamp(client.created_at),
        "updated_at": timestamp(client.updated_at or client.created_at),
    }


async def list_contacts(call: Call) -> Response:
    """Contacts, ascending by id; ``search`` (3 characters or more) looks in name, tax id and
    email."""
    return await list_page(call, clients.list_clients, contact_shape, searchable=True)


async def get_contact(call: Call) -> Response:
    """One contact."""
    return await get_one(call, clients.get_client, contact_shape)


async def create_contact(call: Call) -> Response:
    """Create a contact to invoice (its ``id`` is the ``contact_id`` of an invoice)."""
    fields = Fields(body_object(call.body))
    data = ClientInput()
    name = fields.string("name", required=True, max_length=255)
    if is_set(name) and name is not None:
        data.name = name
    for dialect_name, (field, limit) in FIELDS.items():
        value = fields.string(dialect_name, nullable=dialect_name != "country", max_length=limit)
        if is_set(value):
            setattr(data, field, value)
    if isinstance(data.country, str) and not COUNTRY.fullmatch(data.country):
        fields.fail("country", "must be an ISO 3166-1 alpha-2 code such as ES")
    fields.check()
    async with call.session() as session:
        client = await clients.create_client(session, call.auth.account, data)
    return call.json({"data": contact_shape(client)}, 201)
