"""Every GraphQL error carries ``extensions.code``; bad arguments are BAD_USER_INPUT naming the
argument; only unexpected failures are masked; with introspection off nothing suggests names.

Engine-independent, so these run on SQLite only."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from invoicegraph.app import create_app
from invoicegraph.db.engine import Database
from invoicegraph.services.accounts import create_account
from invoicegraph.services.api_keys import create_key
from invoicegraph.settings import Settings
from tests.parties import ISSUER_ADDRESS
from tests.tax_ids import new_tax_id


@pytest.fixture
async def key(sqlite_database: Database) -> str:
    async with sqlite_database.sessions() as session:
        account = await create_account(
            session, **ISSUER_ADDRESS, name="Acme S.L.", tax_id=new_tax_id()
        )
    async with sqlite_database.sessions() as session:
        return (await create_key(session, account, access="admin")).text


def _client(database: Database, **settings: Any) -> httpx.AsyncClient:
    app = create_app(Settings(rate_limit_per_minute=100_000, **settings), database=database)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


@pytest.fixture
async def http(sqlite_database: Database) -> AsyncIterator[httpx.AsyncClient]:
    async with _client(sqlite_database) as client:
        yield client


async def _errors(
    http: httpx.AsyncClient, key: str | None, query: str, variables: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    response = await http.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    assert response.status_code in (200, 400, 401), response.text
    errors: list[dict[str, Any]] = response.json()["errors"]
    assert errors, response.text
    for error in errors:
        assert error["extensions"]["code"], error
    return errors


CONNECTIONS = ["invoices", "clients", "quotes", "products"]
BAD_PAGES = [
    ("first: 0", "first"),
    ("first: -1", "first"),
    ("last: 0", "last"),
    ("first: 500", "first"),
    ("first: 2, last: 2", "first"),
]


@pytest.mark.parametrize("connection", CONNECTIONS)
@pytest.mark.parametrize(("arguments", "argument"), BAD_PAGES)
async def test_page_bounds_are_bad_user_input_naming_the_argument(
    http: httpx.AsyncClient, key: str, connection: str, arguments: str, argument: str
) -> None:
    errors = await _errors(http, key, f"{{ {connection}({arguments}) {{ nodes {{ id }} }} }}")
    assert len(errors) == 1
    assert (
        errors[0]["extensions"].items() >= {"code": "BAD_USER_INPUT", "argument": argument}.items()
    )


async def test_a_broken_cursor_names_its_argument(http: httpx.AsyncClient, key: str) -> None:
    errors = await _errors(http, key, '{ clients(after: "nope") { nodes { id } } }')
    assert (
        errors[0]["extensions"].items() >= {"code": "BAD_USER_INPUT", "argument": "after"}.items()
    )


@pytest.mark.parametrize(
    ("query", "variables", "argument"),
    [
        (
            '{ invoices(filter: {dateFrom: "2024-13-01"}) { nodes { id } } }',
            None,
            "filter.dateFrom",
        ),
        (
            "query($d: Date) { invoices(filter: {dateFrom: $d}) { nodes { id } } }",
            {"d": "yesterday"},
            "$d",
        ),
        (
            'mutation { createInvoice(input: {lines: [{description: "x", quantity: "1,5"}]})'
            " { errors { field } } }",
            None,
            "input.lines.0.quantity",
        ),
        (
            "mutation($input: InvoiceInput!) { createInvoice(input: $input) { errors { field } } }",
            {"input": {"lines": [{"description": "x", "quantity": "NaN"}]}},
            "$input.lines.0.quantity",
        ),
        ("{ invoices(first: 99999999999) { nodes { id } } }", None, "first"),
        ('{ invoices(filter: {status: "ISSUED"}) { nodes { id } } }', None, "filter.status"),
    ],
    ids=["date literal", "date variable", "decimal literal", "decimal variable", "int", "enum"],
)
async def test_scalar_parse_errors_are_bad_user_input_naming_the_argument(
    http: httpx.AsyncClient,
    key: str,
    query: str,
    variables: dict[str, Any] | None,
    argument: str,
) -> None:
    errors = await _errors(http, key, query, variables)
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT", errors
    assert errors[0]["extensions"]["argument"] == argument, errors


@pytest.mark.parametrize(
    ("query", "argument"),
    [
        ('{ invoice(id: "garbage") { id } }', "id"),
        ('{ invoice(id: "9223372036854775808") { id } }', "id"),
        ('{ client(id: "¹") { id } }', "id"),
        (
            '{ invoices(filter: {clientId: "9223372036854775808"}) { nodes { id } } }',
            "filter.clientId",
        ),
        (
            '{ invoices(filter: {seriesId: "99999999999999999999999"}) { nodes { id } } }',
            "filter.seriesId",
        ),
        ('{ quotes(filter: {clientId: "Q2xpZW50Om5v"}) { nodes { id } } }', "filter.clientId"),
    ],
)
async def test_malformed_and_out_of_range_ids_are_bad_user_input(
    http: httpx.AsyncClient, key: str, query: str, argument: str
) -> None:
    errors = await _errors(http, key, query)
    assert (
        errors[0]["extensions"].items() >= {"code": "BAD_USER_INPUT", "argument": argument}.items()
    )


async def test_a_well_formed_unknown_id_is_null(http: httpx.AsyncClient, key: str) -> None:
    response = await http.post(
        "/graphql",
        json={"query": '{ invoice(id: "922337203685477580") { id } }'},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.json() == {"data": {"invoice": None}}


async def test_a_subscription_over_post_is_bad_user_input(
    http: httpx.AsyncClient, key: str
) -> None:
    errors = await _errors(http, key, "subscription { invoiceEvents { kind } }")
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "WebSocket" in errors[0]["message"]


async def test_syntax_and_unknown_fields_have_codes(http: httpx.AsyncClient, key: str) -> None:
    assert (await _errors(http, key, "{ account { "))[0]["extensions"]["code"] == (
        "GRAPHQL_PARSE_FAILED"
    )
    assert (await _errors(http, key, "{ acount { id } }"))[0]["extensions"]["code"] == (
        "GRAPHQL_VALIDATION_FAILED"
    )


@pytest.mark.parametrize(
    ("module", "name", "query"),
    [
        # the general path (a directive is not compiled) and the SQL-built one
        ("invoicegraph.services.clients", "list_clients", "{ clients { nodes { id @skip(if: false) } } }"),
        ("invoicegraph.sqlread.invoices", "client_page", "{ clients { nodes { id } } }"),
    ],
    ids=["general", "compiled"],
)  # fmt: skip
async def test_an_unexpected_failure_is_masked_with_a_code(
    http: httpx.AsyncClient,
    key: str,
    monkeypatch: pytest.MonkeyPatch,
    module: str,
    name: str,
    query: str,
) -> None:
    async def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("relation clients_secret does not exist")

    monkeypatch.setattr(importlib.import_module(module), name, broken)
    errors = await _errors(http, key, query)
    assert errors[0]["message"] == "Unexpected error."
    assert errors[0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert "clients_secret" not in str(errors)


@pytest.mark.parametrize(
    "query",
    ["{ __typename }", "{ __schema { queryType { name } } }", "{ account { name } }"],
)
async def test_a_wrong_key_is_unauthenticated_for_every_operation(
    http: httpx.AsyncClient, query: str
) -> None:
    errors = await _errors(http, "fv_live_" + "x" * 40, query)
    assert [e["extensions"]["code"] for e in errors] == ["UNAUTHENTICATED"]


async def test_no_key_may_still_introspect_for_graphiql(http: httpx.AsyncClient) -> None:
    response = await http.post("/graphql", json={"query": "{ __schema { queryType { name } } }"})
    assert response.json()["data"]["__schema"]["queryType"]["name"] == "Query"


SUGGESTIVE = [
    ("{ invoicez { id } }", None),  # field
    ("{ invoices(frist: 1) { nodes { id } } }", None),  # argument
    ("{ invoices(filter: {status: ISSUE}) { nodes { id } } }", None),  # enum value
    ("query($f: InvoiceFiltr) { invoices(filter: $f) { nodes { id } } }", None),  # type
    ("{ invoices(filter: {statu: ISSUED}) { nodes { id } } }", None),  # input field
    (
        "query($f: InvoiceFilterInput) { invoices(filter: $f) { nodes { id } } }",
        {"f": {"status": "ISSUE"}},
    ),  # enum value of a variable
    (
        "query($f: InvoiceFilterInput) { invoices(filter: $f) { nodes { id } } }",
        {"f": {"statu": "ISSUED"}},
    ),  # input field of a variable
]


@pytest.mark.parametrize(("query", "variables"), SUGGESTIVE)
async def test_introspection_off_suggests_nothing(
    sqlite_database: Database, key: str, query: str, variables: dict[str, Any] | None
) -> None:
    async with _client(sqlite_database, introspection_enabled=False) as http:
        errors = await _errors(http, key, query, variables)
    assert "Did you mean" not in str(errors), errors
    async with _client(sqlite_database) as http:  # on, the hints help a developer
        errors = await _errors(http, key, query, variables)
    assert "Did you mean" in str(errors), errors


async def test_a_masked_failure_is_not_kept_as_the_idempotent_answer(
    http: httpx.AsyncClient, key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from invoicegraph.services import clients

    create = clients.create_client

    async def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("disk full")

    query = 'mutation { createClient(input: {name: "Retry"}) { client { name } errors { code } } }'
    headers = {"Authorization": f"Bearer {key}", "Idempotency-Key": "masked-once"}
    monkeypatch.setattr(clients, "create_client", broken)
    failed = await http.post("/graphql", json={"query": query}, headers=headers)
    assert failed.json()["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    monkeypatch.setattr(clients, "create_client", create)
    retried = await http.post("/graphql", json={"query": query}, headers=headers)
    assert retried.json()["data"]["createClient"]["client"] == {"name": "Retry"}
