"""A valid key cannot multiply server CPU: the shapes of issue 12 are refused cheaply — by
the query cost (document weighs what rendering costs) or by the list bounds checked on the raw
request before graphql-core coerces it — and all of them together stay far below 2 s of CPU,
counting the PDF workers too."""

from __future__ import annotations

import multiprocessing
import os
import time
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

CPU_BUDGET_SECONDS = 2.0


@pytest.fixture
async def keys(sqlite_database: Database) -> dict[str, str]:
    async with sqlite_database.sessions() as session:
        account = await create_account(
            session, **ISSUER_ADDRESS, name="Acme S.L.", tax_id=new_tax_id()
        )
    keys = {}
    for access in ("read", "write"):
        async with sqlite_database.sessions() as session:
            keys[access] = (await create_key(session, account, access=access)).text
    return keys


@pytest.fixture
async def http(sqlite_database: Database) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(
        Settings(rate_limit_per_minute=100_000, max_body_bytes=4_000_000), database=sqlite_database
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test", timeout=60
    ) as client:
        yield client


def _cpu_seconds() -> float:
    """CPU of this process (the server runs in it) and of its live children (PDF workers)."""
    total = time.process_time()
    ticks = os.sysconf("SC_CLK_TCK")
    for child in multiprocessing.active_children():
        try:
            with open(f"/proc/{child.pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
        except (OSError, IndexError, ValueError):
            continue
    return total


INVOICE_ID = "SW52b2ljZTowYjlhYzdhMi01ZDRlLTRmNDMtOWE0Ny0zYThkMmYwYzFlNTU="
EMPTY_LINES_QUERY = (
    "mutation($l: [LineInput!]) { createInvoice(input: {lines: $l}) { errors { field } } }"
)

SHAPES: dict[str, tuple[dict[str, Any], str]] = {
    "100 aliases of document": (
        {
            "query": "query($id: ID!) { "
            + " ".join(f"a{i}: invoice(id: $id) {{ document {{ filename }} }}" for i in range(100))
            + " }",
            "variables": {"id": INVOICE_ID},
        },
        "QUERY_TOO_COMPLEX",
    ),
    "30 aliases of FACTURX_PDF": (
        {
            "query": "query($id: ID!) { "
            + " ".join(
                f"a{i}: invoice(id: $id) {{ document(format: FACTURX_PDF) {{ contentBase64 }} }}"
                for i in range(30)
            )
            + " }",
            "variables": {"id": INVOICE_ID},
        },
        "QUERY_TOO_COMPLEX",
    ),
    "a page of documents": (
        {"query": "{ invoices(first: 100) { nodes { document { filename } } } }"},
        "QUERY_TOO_COMPLEX",
    ),
    "a document format from a variable": (
        {
            "query": "query($f: DocumentFormat!) { invoices(first: 10) "
            "{ nodes { document(format: $f) { filename } } } }",
            "variables": {"f": "PDF"},
        },
        "QUERY_TOO_COMPLEX",
    ),
    "10^5 empty lines in a variable": (  # refused by the view's bound on variables
        {"query": EMPTY_LINES_QUERY, "variables": {"l": [{}] * 100_000}},
        "PAYLOAD_TOO_LARGE",
    ),
    "5,000 empty lines in a variable": (  # under that bound: the list bound refuses it
        {"query": EMPTY_LINES_QUERY, "variables": {"l": [{}] * 5_000}},
        "BAD_USER_INPUT",
    ),
    "501 lines nested in an input variable": (
        {
            "query": "mutation($i: InvoiceInput!) { createInvoice(input: $i) { errors { field } } }",
            "variables": {"i": {"lines": [{"description": "x"}] * 501}},
        },
        "BAD_USER_INPUT",
    ),
    "501 lines as a literal": (
        {
            "query": "mutation { createInvoice(input: {lines: ["
            + ", ".join(['{description: "x"}'] * 501)
            + "]}) { errors { field } } }"
        },
        "BAD_USER_INPUT",
    ),
    "11 taxes on a line": (
        {
            "query": EMPTY_LINES_QUERY,
            "variables": {"l": [{"description": "x", "taxIds": ["1"] * 11}]},
        },
        "BAD_USER_INPUT",
    ),
    "101 ids to nodes": (
        {
            "query": "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            "variables": {"ids": ["x"] * 101},
        },
        "BAD_USER_INPUT",
    ),
}


@pytest.mark.parametrize("name", sorted(SHAPES))
async def test_an_abusive_shape_is_refused_with_its_code(
    http: httpx.AsyncClient, keys: dict[str, str], name: str
) -> None:
    body, code = SHAPES[name]
    headers = {"Authorization": f"Bearer {keys['read']}"}
    response = await http.post("/graphql", json=body, headers=headers)
    answer = response.json()
    assert answer.get("data") is None, answer
    assert [e["extensions"]["code"] for e in answer["errors"]] == [code], answer


async def test_the_abusive_shapes_together_cost_less_than_two_seconds_of_cpu(
    http: httpx.AsyncClient, keys: dict[str, str]
) -> None:
    headers = {"Authorization": f"Bearer {keys['read']}"}
    await http.post("/graphql", json={"query": "{ __typename }"}, headers=headers)  # warm up
    before = _cpu_seconds()
    for body, _code in SHAPES.values():
        response = await http.post("/graphql", json=body, headers=headers)
        assert response.status_code in (200, 400, 413), response.text[:300]
    spent = _cpu_seconds() - before
    assert spent < CPU_BUDGET_SECONDS, f"{spent:.2f} s of CPU"


async def test_lists_up_to_their_bound_are_taken(
    http: httpx.AsyncClient, keys: dict[str, str]
) -> None:
    lines = [{"description": f"Línea {i}", "quantity": "1", "price": "1"} for i in range(500)]
    response = await http.post(
        "/graphql",
        json={
            "query": "mutation($l: [LineInput!]) { createInvoice(input: {lines: $l}) "
            "{ invoice { totalBeforeTaxes } errors { field } } }",
            "variables": {"l": lines},
        },
        headers={"Authorization": f"Bearer {keys['write']}"},
    )
    assert response.json()["data"]["createInvoice"] == {
        "invoice": {"totalBeforeTaxes": "500.00"},
        "errors": [],
    }


async def test_the_bounds_are_stated_in_the_schema() -> None:
    from invoicegraph.schema.export import sdl

    schema = sdl()
    assert "The lines; on update they replace every line. At most 500 items." in schema
    assert "Global ids (`id` fields). At most 100 items." in schema
    assert "a PDF weighs 20,000" in schema
