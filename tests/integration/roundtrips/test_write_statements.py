"""Create + issue costs a bounded number of SQL statements on every face.

Every statement is a round trip to the database; the issue's target is 16 for creating a
draft and issuing it, whichever face the integration speaks. The count includes everything
the request sends: authentication, BEGIN/COMMIT, the writes and the answer's reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import event

from invoicegraph.app import create_app
from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account
from invoicegraph.services.clients import ClientInput, create_client
from invoicegraph.settings import Settings

STATEMENT_BUDGET = 16
# A write request runs in one transaction (``db/unit_of_work.py``) that the services' own
# transactions join without a SAVEPOINT: a SAVEPOINT is sent only when a request is run again
# because one of its steps failed with something to undo (tests/.../test_flat_steps.py).


@contextmanager
def count_statements(database: Database) -> Iterator[list[str]]:
    """Every statement sent to the database while the block runs, transaction control too
    (BEGIN and COMMIT are round trips like any other)."""
    statements: list[str] = []

    def on_statement(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    def on_begin(_conn: Any) -> None:
        # asyncpg sends BEGIN as a statement of its own; on SQLite ours is an explicit
        # ``BEGIN IMMEDIATE``, already counted as a statement
        if database.dialect == "postgresql":
            statements.append("BEGIN")

    def on_commit(_conn: Any) -> None:
        statements.append("COMMIT")

    def on_rollback(_conn: Any) -> None:
        statements.append("ROLLBACK")

    engine = database.engine.sync_engine
    listeners = [
        ("before_cursor_execute", on_statement),
        ("begin", on_begin),
        ("commit", on_commit),
        ("rollback", on_rollback),
    ]
    for name, listener in listeners:
        event.listen(engine, name, listener)
    try:
        yield statements
    finally:
        for name, listener in listeners:
            event.remove(engine, name, listener)


@pytest.fixture
async def http(database: Database, write_key: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(rate_limit_per_minute=100_000), database=database)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://test",
        headers={"Authorization": f"Bearer {write_key}"},
    ) as client:
        yield client


@pytest.fixture
async def client_uuid(database: Database, account: Account) -> str:
    async with database.sessions() as session:
        client = await create_client(
            session,
            account,
            ClientInput(
                name="Cliente S.L.",
                tax_id="B27346063",
                address="Calle Mayor 2",
                city="Madrid",
                postal_code="28001",
            ),
        )
    return str(client.uuid)


async def _first_id(http: httpx.AsyncClient, path: str, **match: Any) -> int:
    response = await http.get(path)
    assert response.status_code == 200, response.text
    for row in response.json()["data"]:
        if all(row.get(k) == v for k, v in match.items()):
            return int(row["id"])
    raise AssertionError(f"no {match} in {path}")


def _round_trips(database: Database, statements: list[str]) -> list[str]:
    """On PostgreSQL every statement is a round trip. On SQLite the library runs in process
    and SQLAlchemy cannot batch rowid-keyed INSERTs: the rows of one table inserted one after
    another count as one statement, as they are one on PostgreSQL."""
    if database.dialect == "postgresql":
        return statements
    collapsed: list[str] = []
    for statement in statements:
        table = statement.split("(")[0] if statement.startswith("INSERT INTO") else None
        if table and collapsed and collapsed[-1].split("(")[0] == table:
            continue
        collapsed.append(statement)
    return collapsed


def _check_budget(database: Database, statements: list[str]) -> None:
    trips = _round_trips(database, statements)
    assert len(trips) <= STATEMENT_BUDGET, _report(trips)
    assert not [s for s in trips if "SAVEPOINT" in s], _report(trips)


def _report(statements: list[str]) -> str:
    return f"{len(statements)} statements:\n" + "\n".join(s[:160] for s in statements)


async def _warm(http: httpx.AsyncClient) -> None:
    """The first request of a process compiles statements and may open connections: the
    budget is for a steady state, not for start-up."""
    assert (await http.get("/v1/info")).status_code == 200


async def test_graphql_create_and_issue_fit_the_budget(
    http: httpx.AsyncClient, database: Database, client_uuid: str
) -> None:
    create = """mutation($input: InvoiceInput!) { createInvoice(input: $input) {
      invoice { id } errors { field code message } } }"""
    issue = """mutation($id: ID!) { issueInvoice(id: $id) {
      invoice { number fullNumber } errors { field code message } } }"""
    lines = [
        {"description": "Servicio", "quantity": "2", "price": "75.40", "vatRate": "21"},
        {"description": "Material", "quantity": "3", "price": "9.99", "vatRate": "10"},
    ]
    await _warm(http)
    with count_statements(database) as statements:
        created = await http.post(
            "/graphql",
            json={
                "query": create,
                "variables": {"input": {"clientId": client_uuid, "lines": lines}},
            },
        )
        invoice_id = created.json()["data"]["createInvoice"]["invoice"]["id"]
        issued = await http.post("/graphql", json={"query": issue, "variables": {"id": invoice_id}})
    assert issued.json()["data"]["issueInvoice"]["invoice"]["number"] == 1, issued.text
    _check_budget(database, statements)


async def test_api_create_and_issue_fit_the_budget(
    http: httpx.AsyncClient, database: Database, client_uuid: str
) -> None:
    items = [
        {"description": "Revisión", "quantity": 2, "unit_price": 49.95, "vat_rate": 21},
        {"description": "Manual", "quantity": 1, "unit_price": 12.5, "vat_rate": 4},
    ]
    await _warm(http)
    with count_statements(database) as statements:
        created = await http.post("/api/invoices", json={"client_id": client_uuid, "items": items})
        assert created.status_code == 201, created.text
        issued = await http.post(f"/api/invoices/{created.json()['id']}/issue")
    assert issued.status_code == 200, issued.text
    _check_budget(database, statements)


async def test_v1_create_and_issue_fit_the_budget(
    http: httpx.AsyncClient, database: Database, client_uuid: str
) -> None:
    contact = await _first_id(http, "/v1/contacts", name="Cliente S.L.")
    vat = await _first_id(http, "/v1/taxes", name="IVA (21%)")
    irpf = await _first_id(http, "/v1/taxes", name="IRPF (-15%)")
    series = await _first_id(http, "/v1/series", name="F")
    due_date = await _first_id(http, "/v1/due-dates")
    payment_method = await _first_id(http, "/v1/payment-methods")
    body = {
        "name": "Factura",
        "contact_id": contact,
        "due_date_id": due_date,
        "payment_method_id": payment_method,
        "lang": "es",
        "currency": "EUR",
        "date_format": "dd/mm/yyyy",
        "money_format": "symbol_after,point,comma",
        "lines": [
            {"description": "Consultoría", "quantity": 2, "price": 120, "taxes": [vat, irpf]},
            {"description": "Desplazamiento", "quantity": 1, "price": 35.5, "taxes": [vat]},
        ],
    }
    await _warm(http)
    with count_statements(database) as statements:
        created = await http.post("/v1/invoices", json=body)
        assert created.status_code == 201, created.text
        issue_body = {"date": dt.date.today().isoformat(), "serie_id": series}
        issued = await http.post(
            f"/v1/invoices/{created.json()['data']['id']}/issue", json=issue_body
        )
    assert issued.status_code == 201, issued.text
    _check_budget(database, statements)
