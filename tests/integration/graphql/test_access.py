"""Auth and scope on every mutation: no key → UNAUTHENTICATED, read key → FORBIDDEN,
another account's ids → NOT_FOUND (never FORBIDDEN), test keys see only the sandbox."""

from __future__ import annotations

import httpx
import pytest

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account
from tests.parties import CLIENT_FIELDS_GRAPHQL

from .conftest import GQL, make_key

# every mutation of the schema, with arguments that would be valid for an id of the caller
MUTATIONS = {
    "createInvoice": 'createInvoice(input: {clientId: "%(client)s"}) { errors { code } }',
    "updateInvoice": 'updateInvoice(id: "%(invoice)s", input: {notes: "x"}) { errors { code } }',
    "deleteInvoice": 'deleteInvoice(id: "%(invoice)s") { errors { code } }',
    "issueInvoice": 'issueInvoice(id: "%(invoice)s") { errors { code } }',
    "correctInvoice": 'correctInvoice(id: "%(invoice)s") { errors { code } }',
    "rectifyInvoice": 'rectifyInvoice(id: "%(invoice)s", input: {items: [{description: "x", quantity: "1"}]}) { errors { code } }',
    "markInvoicePaid": 'markInvoicePaid(id: "%(invoice)s") { errors { code } }',
    "unmarkInvoicePaid": 'unmarkInvoicePaid(id: "%(invoice)s") { errors { code } }',
    "annulInvoice": 'annulInvoice(id: "%(invoice)s", reason: "error") { errors { code } }',
    "createClient": 'createClient(input: {name: "A"}) { errors { code } }',
    "updateClient": 'updateClient(id: "%(client)s", input: {name: "B"}) { errors { code } }',
    "findOrCreateClient": 'findOrCreateClient(input: {taxId: "B27346063", name: "C"}) { errors { code } }',
    "createQuote": 'createQuote(input: {clientId: "%(client)s"}) { errors { code } }',
    "updateQuote": 'updateQuote(id: "%(quote)s", input: {notes: "x"}) { errors { code } }',
    "convertQuoteToInvoice": 'convertQuoteToInvoice(id: "%(quote)s") { errors { code } }',
    "createProduct": 'createProduct(input: {name: "P", price: "1"}) { errors { code } }',
    "updateProduct": 'updateProduct(id: "%(product)s", input: {name: "Q"}) { errors { code } }',
    "createTax": 'createTax(input: {kind: VAT, name: "IVA 5", percentage: "5"}) { errors { code } }',
    "updateTax": 'updateTax(id: "%(tax)s", input: {name: "T"}) { errors { code } }',
    "createSeries": 'createSeries(input: {code: "Z", kind: ORDINARY}) { errors { code } }',
    "updateSeries": 'updateSeries(id: "%(series)s", input: {name: "S"}) { errors { code } }',
    "createApiKey": "createApiKey(access: READ) { errors { code } }",
    "revokeApiKey": 'revokeApiKey(id: "%(key)s") { errors { code } }',
}
CREATES = {
    "createInvoice",
    "createClient",
    "findOrCreateClient",
    "createQuote",
    "createProduct",
    "createTax",
    "createSeries",
    "createApiKey",
}


async def _ids(gql: GQL, key: str) -> dict[str, str]:
    """One object of every kind in the key's account."""
    client = await gql(
        'mutation { createClient(input: {name: "Cli", %s}) { client { id } } }'
        % CLIENT_FIELDS_GRAPHQL,
        key=key,
    )
    client_id = client["data"]["createClient"]["client"]["id"]
    invoice = await gql(
        'mutation($c: ID!) { createInvoice(input: {clientId: $c, lines: [{description: "x", quantity: "1", price: "10"}]}) { invoice { id } } }',
        {"c": client_id},
        key=key,
    )
    quote = await gql(
        "mutation($c: ID!) { createQuote(input: {clientId: $c}) { quote { id } } }",
        {"c": client_id},
        key=key,
    )
    product = await gql(
        'mutation { createProduct(input: {name: "P", price: "1"}) { product { id } } }', key=key
    )
    catalog = await gql("{ taxes { id } series { id } }", key=key)
    return {
        "client": client_id,
        "invoice": invoice["data"]["createInvoice"]["invoice"]["id"],
        "quote": quote["data"]["createQuote"]["quote"]["id"],
        "product": product["data"]["createProduct"]["product"]["id"],
        "tax": catalog["data"]["taxes"][0]["id"],
        "series": catalog["data"]["series"][0]["id"],
    }


@pytest.mark.parametrize("name", sorted(MUTATIONS))
async def test_every_mutation_refuses_a_read_key(
    name: str, gql: GQL, database: Database, account: Account
) -> None:
    read_key = await make_key(database, account, "read")
    ids = await _ids(gql, await make_key(database, account, "admin"))
    ids["key"] = "00000000-0000-0000-0000-000000000000"
    body = await gql("mutation { %s }" % (MUTATIONS[name] % ids), key=read_key, expect_errors=True)
    assert len(body["errors"]) == 1
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize("name", sorted(MUTATIONS))
async def test_every_mutation_without_a_key_is_unauthenticated(
    name: str, http: httpx.AsyncClient
) -> None:
    ids = dict.fromkeys(
        ("client", "invoice", "quote", "product", "tax", "series", "key"),
        "00000000-0000-0000-0000-000000000000",
    )
    response = await http.post(
        "/graphql", json={"query": "mutation { %s }" % (MUTATIONS[name] % ids)}
    )
    errors = response.json()["errors"]
    assert len(errors) == 1 and errors[0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize("name", sorted(set(MUTATIONS) - CREATES - {"revokeApiKey"}))
async def test_another_accounts_ids_are_not_found(
    name: str, gql: GQL, database: Database, account: Account, other_account: Account
) -> None:
    theirs = await _ids(gql, await make_key(database, other_account, "admin"))
    mine = await make_key(database, account, "admin")
    body = await gql("mutation { %s }" % (MUTATIONS[name] % theirs), key=mine)
    errors = next(iter(body["data"].values()))["errors"]
    assert len(errors) == 1 and errors[0]["code"] == "NOT_FOUND"


async def test_another_accounts_client_is_not_found_on_create(
    gql: GQL, database: Database, account: Account, other_account: Account
) -> None:
    theirs = await _ids(gql, await make_key(database, other_account, "admin"))
    body = await gql(
        "mutation($c: ID!) { createInvoice(input: {clientId: $c}) { invoice { id } errors { field code } } }",
        {"c": theirs["client"]},
    )
    assert body["data"]["createInvoice"] == {
        "invoice": None,
        "errors": [{"field": "clientId", "code": "NOT_FOUND"}],
    }


async def test_test_keys_see_only_the_sandbox(
    gql: GQL, database: Database, account: Account
) -> None:
    live = await make_key(database, account, "write")
    test = await make_key(database, account, "write", mode="test")
    created = await gql(
        'mutation { createClient(input: {name: "Live only"}) { client { id } } }', key=live
    )
    live_id = created["data"]["createClient"]["client"]["id"]
    assert (await gql("query($id: ID!) { client(id: $id) { name } }", {"id": live_id}, key=test))[
        "data"
    ] == {"client": None}
    assert (await gql("{ account { isSandbox } }", key=test))["data"]["account"][
        "isSandbox"
    ] is True
    assert (await gql("{ clients(first: 5) { totalCount } }", key=test))["data"]["clients"][
        "totalCount"
    ] == 0


async def test_a_revoked_key_is_unauthenticated(
    gql: GQL, database: Database, account: Account
) -> None:
    admin_key = await make_key(database, account, "admin")
    created = await gql(
        "mutation { createApiKey(access: WRITE) { secret apiKey { id } } }", key=admin_key
    )
    payload = created["data"]["createApiKey"]
    assert payload["secret"].startswith("fv_live_")
    await gql(
        "mutation($id: ID!) { revokeApiKey(id: $id) { apiKey { revokedAt } } }",
        {"id": payload["apiKey"]["id"]},
        key=admin_key,
    )
    body = await gql("{ account { name } }", key=payload["secret"], expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_write_key_cannot_manage_keys(gql: GQL) -> None:
    body = await gql("mutation { createApiKey(access: ADMIN) { secret } }", expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
