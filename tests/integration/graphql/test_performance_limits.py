"""No N+1: a page of invoices with lines, line taxes and client costs a constant number of
SQL statements. And the request limits refuse abusive queries cleanly."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import event

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account
from invoicegraph.services.clients import ClientInput, create_client
from invoicegraph.services.invoices import InvoiceData, create_draft
from invoicegraph.services.lines import LineData
from tests.parties import CLIENT_ADDRESS

from .conftest import GQL

PAGE = """query($n: Int!) { invoices(first: $n) { totalCount edges { node {
  id fullNumber totalWithTaxes client { name taxId }
  lines { description quantity price totalWithTaxes taxes { name percentage total } }
} } } }"""


@contextmanager
def count_statements(database: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(*args: Any) -> None:
        if not args[2].startswith("BEGIN"):  # SQLite's explicit BEGIN is not a query
            statements.append(args[2])

    event.listen(database.engine.sync_engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", record)


async def _invoices(database: Database, account: Account, count: int) -> None:
    async with database.sessions() as session:
        client = await create_client(
            session, account, ClientInput(**CLIENT_ADDRESS, name="Cliente", tax_id="B12345674")
        )
    lines = [
        LineData(
            description=f"Línea {i}",
            quantity=Decimal(i + 1),
            price=Decimal("9.99"),
            vat_rate=Decimal(21),
        )
        for i in range(5)
    ]
    for _ in range(count):
        async with database.sessions() as session:
            await create_draft(session, account, InvoiceData(client=client.id, lines=lines))


async def test_a_page_costs_the_same_statements_for_10_and_100_invoices(
    gql: GQL, database: Database, account: Account
) -> None:
    await _invoices(database, account, 100)
    await gql(PAGE, {"n": 1})  # warm caches (key lookup, parser)
    with count_statements(database) as small:
        body10 = await gql(PAGE, {"n": 10})
    with count_statements(database) as large:
        body100 = await gql(PAGE, {"n": 100})
    assert len(body10["data"]["invoices"]["edges"]) == 10
    assert len(body100["data"]["invoices"]["edges"]) == 100
    assert (
        body100["data"]["invoices"]["edges"][0]["node"]["lines"][0]["taxes"][0]["percentage"]
        == "21.00"
    )
    assert len(large) == len(small), (small, large)
    assert len(large) <= 8, large


@pytest.mark.parametrize(
    ("query", "code"),
    [
        (
            "{ invoices { edges { node { rectifies { rectifies { rectifies { rectifies { rectifies { rectifies { rectifies { rectifies { rectifies { rectifies { rectifies { id } } } } } } } } } } } } } } }",
            None,
        ),
        ("{ " + " ".join(f"a{i}: account {{ name }}" for i in range(101)) + " }", None),
        (
            "mutation { "
            + " ".join(
                f'm{i}: createClient(input: {{name: "x"}}) {{ errors {{ code }} }}'
                for i in range(5)
            )
            + " }",
            "TOO_MANY_MUTATIONS",
        ),
        (
            "{ invoices(first: 100) { edges { node { rectifications { rectifications { lines { taxes { name } } } } } } } }",
            "QUERY_TOO_COMPLEX",
        ),
    ],
    ids=["depth", "aliases", "mutations", "cost"],
)
async def test_abusive_queries_are_refused_before_running(
    http: httpx.AsyncClient, write_key: str, query: str, code: str | None
) -> None:
    response = await http.post(
        "/graphql", json={"query": query}, headers={"Authorization": f"Bearer {write_key}"}
    )
    body = response.json()
    assert body.get("data") is None, body
    assert body["errors"], body
    if code is not None:
        assert body["errors"][0]["extensions"]["code"] == code
    assert "Traceback" not in response.text


async def test_introspection_and_graphiql_can_be_switched_off(
    database: Database, write_key: str
) -> None:
    from invoicegraph.app import create_app
    from invoicegraph.settings import Settings

    app = create_app(
        Settings(introspection_enabled=False, graphiql_enabled=False), database=database
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        response = await client.post(
            "/graphql",
            json={"query": "{ __schema { types { name } } }"},
            headers={"Authorization": f"Bearer {write_key}"},
        )
        assert response.json()["errors"]
        page = await client.get("/graphql", headers={"Accept": "text/html"})
        assert page.status_code in (404, 405, 400)


async def test_graphiql_page_is_served_from_our_own_assets(http: httpx.AsyncClient) -> None:
    page = await http.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "/static/graphiql/graphiql.js" in page.text
    assert (
        "unpkg" not in page.text and "jsdelivr" not in page.text and "cdn" not in page.text.lower()
    )


async def test_idempotency_key_replays_a_mutation(
    gql: GQL, http: httpx.AsyncClient, write_key: str
) -> None:
    query = 'mutation { createClient(input: {name: "Once"}) { client { id } } }'
    headers = {"Authorization": f"Bearer {write_key}", "Idempotency-Key": "abc-1"}
    first = await http.post("/graphql", json={"query": query}, headers=headers)
    second = await http.post("/graphql", json={"query": query}, headers=headers)
    assert second.headers.get("idempotent-replayed") == "true"
    assert first.json() == second.json()
    other = await http.post(
        "/graphql", json={"query": query.replace("Once", "Twice")}, headers=headers
    )
    assert other.status_code == 422
    listed = await gql('{ clients(first: 10, search: "Once") { totalCount } }')
    assert listed["data"]["clients"]["totalCount"] == 1
