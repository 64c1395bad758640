"""The plain-data execution path (schema/execution.py) answers exactly what graphql-core's
general path answers, for plain fields, prefetched relations and fields only the general path
resolves, mixed in one query; and a fast step that fails hands over to the general path."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest
from graphql import GraphQLError

from invoicegraph import schema as schema_module
from invoicegraph.app import create_app
from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account
from invoicegraph.services.clients import ClientInput, create_client
from invoicegraph.services.invoices import InvoiceData, create_draft, issue_invoice
from invoicegraph.services.lines import LineData
from invoicegraph.settings import Settings
from tests.parties import CLIENT_ADDRESS

RICH = """query Rich($n: Int!) { invoices(first: $n) { totalCount pageInfo { hasNextPage }
  edges { cursor node { __typename id legacyId fullNumber number date status kind isPaid
    totalWithTaxes totalVat issuer { name taxId } recipient { name }
    client { id name taxId legacyId }
    series { code }
    taxBreakdown { kind percentage base amount }
    rectifications { id }
    lines { uuid position description quantity price discount totalWithTaxes
            taxes { __typename name kind percentage base total version } } } }
  nodes { id lines { description } } } }"""


async def _answer(database: Database, key: str, *, plain: bool) -> dict[str, Any]:
    if not plain:
        from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

        monkeypatch = pytest.MonkeyPatch()
        monkeypatch.setattr(
            schema_module, "PlainDataExecutionContext", StrawberryGraphQLCoreExecutionContext
        )
    try:
        app = create_app(Settings(rate_limit_per_minute=100_000), database=database)
    finally:
        if not plain:
            monkeypatch.undo()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        response = await client.post(
            "/graphql",
            json={"query": RICH, "variables": {"n": 10}},
            headers={"Authorization": f"Bearer {key}"},
        )
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body["errors"]
    return body


async def _invoices(database: Database, account: Account) -> None:
    async with database.sessions() as session:
        client = await create_client(
            session, account, ClientInput(**CLIENT_ADDRESS, name="Cliente", tax_id="B12345674")
        )
    for n in range(3):
        lines = [
            LineData(
                description=f"Línea {n}-{i}",
                quantity=Decimal(i + 1),
                price=Decimal("9.99"),
                vat_rate=Decimal(21),
            )
            for i in range(3)
        ]
        async with database.sessions() as session:
            draft = await create_draft(
                session, account, InvoiceData(client=client.id if n else None, lines=lines)
            )
        if n == 2:
            async with database.sessions() as session:
                await issue_invoice(session, account, draft.id)


async def test_the_plain_path_answers_what_the_general_path_answers(
    database: Database, account: Account, write_key: str
) -> None:
    await _invoices(database, account)
    plain = await _answer(database, write_key, plain=True)
    general = await _answer(database, write_key, plain=False)
    edges = plain["data"]["invoices"]["edges"]
    assert len(edges) == 3
    assert edges[0]["node"]["lines"][0]["taxes"][0]["percentage"] == "21.00"
    assert edges[0]["node"]["client"]["name"] == "Cliente"
    assert edges[-1]["node"]["client"] is None
    assert plain == general


async def test_a_failing_plain_step_hands_over_to_the_general_path(
    gql: Any, database: Database, account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _invoices(database, account)
    from invoicegraph.schema import plain_steps

    def broken(value: Any) -> Any:
        raise GraphQLError("not this way")

    # the fast path serialises decimals with the scalar's function; when that fails, the general
    # path runs the field again with graphql-core's own (unpatched) serialisation
    original = plain_steps.leaf_step

    def leaf_step(resolve: Any, type_: Any) -> Any:
        step = original(resolve, type_)
        if isinstance(step, plain_steps.AttributeLeaf) and step.name == "total_with_taxes":
            step.serialize = broken
        return step

    monkeypatch.setattr("invoicegraph.schema.execution.leaf_step", leaf_step)
    body = await gql("{ invoices(first: 5) { nodes { totalWithTaxes lines { description } } } }")
    nodes = body["data"]["invoices"]["nodes"]
    assert len(nodes) == 3
    assert all(Decimal(node["totalWithTaxes"]) > 0 for node in nodes)
