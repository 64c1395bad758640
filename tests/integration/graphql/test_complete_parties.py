"""issueInvoice names every party field a complete invoice lacks, as GraphQL input paths."""

from __future__ import annotations

import httpx

from invoicegraph.db.engine import Database
from invoicegraph.services.accounts import create_account
from tests.parties import CLIENT_ADDRESS_GRAPHQL
from tests.tax_ids import new_tax_id

from .conftest import GQL, make_key

ISSUE = "mutation($id: ID!) { issueInvoice(id: $id) { invoice { status } errors { field code } } }"


async def _draft(gql: GQL, client_input: str, key: str | None = None) -> str:
    client = await gql(
        "mutation { createClient(input: %s) { client { id } errors { field } } }" % client_input,
        key=key,
    )
    body = await gql(
        'mutation($c: ID!) { createInvoice(input: {clientId: $c, lines: [{description: "Hora", quantity: "1", price: "45", vatRate: "21"}]}) { invoice { id } } }',
        {"c": client["data"]["createClient"]["client"]["id"]},
        key=key,
    )
    return str(body["data"]["createInvoice"]["invoice"]["id"])


async def test_a_client_without_address_is_refused_field_by_field(gql: GQL) -> None:
    draft = await _draft(gql, '{name: "Cli S.L.", taxId: "B12345674", city: "Madrid"}')

    body = await gql(ISSUE, {"id": draft})

    assert body["data"]["issueInvoice"]["invoice"] is None
    assert body["data"]["issueInvoice"]["errors"] == [
        {"field": "client.address", "code": "REQUIRED"},
        {"field": "client.postalCode", "code": "REQUIRED"},
    ]


async def test_an_issuer_without_address_is_refused_until_updateaccount_sets_it(
    gql: GQL, database: Database, http: httpx.AsyncClient
) -> None:
    async with database.sessions() as session:
        bare = await create_account(session, name="Sin Dirección S.L.", tax_id=new_tax_id())
    admin = await make_key(database, bare, access="admin")
    address = ", ".join(f'{k}: "{v}"' for k, v in CLIENT_ADDRESS_GRAPHQL.items())
    draft = await _draft(gql, '{name: "Cli S.L.", taxId: "B12345674", %s}' % address, admin)

    refused = await gql(ISSUE, {"id": draft}, key=admin)
    assert refused["data"]["issueInvoice"]["errors"] == [
        {"field": "issuer.address", "code": "REQUIRED"},
        {"field": "issuer.postalCode", "code": "REQUIRED"},
        {"field": "issuer.city", "code": "REQUIRED"},
    ]

    updated = await gql(
        "mutation { updateAccount(input: {%s}) { errors { field } } }" % address, key=admin
    )
    assert updated["data"]["updateAccount"]["errors"] == []
    issued = await gql(ISSUE, {"id": draft}, key=admin)
    assert issued["data"]["issueInvoice"] == {"invoice": {"status": "ISSUED"}, "errors": []}
