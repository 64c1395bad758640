"""GET /v1/invoices: filters, order and Laravel pages."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import event

from invoicegraph.db.engine import Database

from .conftest import CONTACT, Seed, create, errors_of, issue, seed_payload, today


def small_line(price: int) -> list[dict[str, Any]]:
    return [{"description": "Work", "quantity": 1, "price": price, "discount": 0}]


@pytest.fixture
async def invoices(client: httpx.AsyncClient, seed: Seed) -> dict[str, int]:
    """Two proformas (one for another contact), an issued invoice and its rectificative."""
    other = await client.post("contacts", json={**CONTACT, "name": "Zeta S.A.", "number": None})
    assert other.status_code == 201, other.text
    alpha = await create(client, seed_payload(seed, name="Alpha proforma", lines=small_line(100)))
    zeta = await create(
        client,
        seed_payload(
            seed,
            name="Zeta proforma",
            contact_id=other.json()["data"]["id"],
            date="2024-01-15",
            lines=small_line(300),
        ),
    )
    draft = await create(
        client,
        seed_payload(seed, name="Beta invoice", date=today().isoformat(), lines=small_line(200)),
    )
    issued = (await issue(client, seed, draft["id"], delete_proforma=True))["issue_invoice_id"]
    rectified = await client.post(
        f"invoices/{issued}/rectify",
        json={"date": today().isoformat(), "serie_id": seed.series["R"]},
    )
    assert rectified.status_code == 201, rectified.text
    return {
        "alpha": alpha["id"],
        "zeta": zeta["id"],
        "issued": issued,
        "rectificative": rectified.json()["data"]["rectification_invoice_id"],
        "other_contact": other.json()["data"]["id"],
    }


async def ids(client: httpx.AsyncClient, query: str) -> list[int]:
    response = await client.get(f"invoices?{query}")
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["data"]]


async def test_the_list_is_newest_first_in_a_laravel_page(
    client: httpx.AsyncClient, invoices: dict[str, int]
) -> None:
    response = await client.get("invoices")

    body = response.json()
    listed = [item["id"] for item in body["data"]]
    assert listed == sorted(listed, reverse=True) and len(listed) == 4
    assert body["links"] == {
        "first": "http://api.test/v1/invoices?page=1",
        "last": "http://api.test/v1/invoices?page=1",
        "prev": None,
        "next": None,
    }
    assert body["meta"] == {
        "current_page": 1,
        "from": 1,
        "last_page": 1,
        "path": "http://api.test/v1/invoices",
        "per_page": 100,
        "to": 4,
        "total": 4,
    }
    item = next(i for i in body["data"] if i["id"] == invoices["issued"])
    assert item["type_id"] == 1 and item["serie"]["name"] == "F" and item["number"] == 1
    for omitted in ("template", "intro_texts", "close_texts", "lines", "notes"):
        assert omitted not in item
    rectificative = next(i for i in body["data"] if i["id"] == invoices["rectificative"])
    assert rectificative["rectification_invoice_id"] == invoices["issued"]
    assert rectificative["serie"]["name"] == "R" and rectificative["total_before_taxes"] == -200


async def test_links_keep_the_query_and_walk_the_pages(
    client: httpx.AsyncClient, invoices: dict[str, int]
) -> None:
    first = (await client.get("invoices?type_id=2&per_page=1")).json()
    second = (await client.get(first["links"]["next"])).json()

    assert first["links"]["next"] == "http://api.test/v1/invoices?type_id=2&per_page=1&page=2"
    assert first["links"]["last"] == "http://api.test/v1/invoices?type_id=2&per_page=1&page=2"
    assert first["meta"]["last_page"] == 2 and first["meta"]["total"] == 2
    assert second["links"]["prev"] == "http://api.test/v1/invoices?type_id=2&per_page=1&page=1"
    assert second["links"]["next"] is None
    assert (second["meta"]["from"], second["meta"]["to"]) == (2, 2)
    both = [first["data"][0]["id"], second["data"][0]["id"]]
    assert sorted(both) == sorted([invoices["alpha"], invoices["zeta"]])
    beyond = (await client.get("invoices?type_id=2&per_page=1&page=9")).json()
    assert beyond["data"] == [] and beyond["meta"]["from"] is None and beyond["meta"]["to"] is None


async def test_each_filter(client: httpx.AsyncClient, seed: Seed, invoices: dict[str, int]) -> None:
    assert await ids(client, "type_id=1") == [invoices["issued"]]
    assert await ids(client, "type_id=3") == [invoices["rectificative"]]
    assert set(await ids(client, "type_id=2")) == {invoices["alpha"], invoices["zeta"]}
    assert await ids(client, f"contact_id={invoices['other_contact']}") == [invoices["zeta"]]
    assert await ids(client, f"serie_id={seed.series['R']}") == [invoices["rectificative"]]
    assert await ids(client, "from=2024-01-01&to=2024-01-31") == [invoices["zeta"]]
    assert await ids(client, "search=zeta") == [invoices["zeta"]]
    assert await ids(client, "contact_id=999999999") == []


async def test_unpaid_shows_only_unpaid_ordinary_invoices(
    client: httpx.AsyncClient, invoices: dict[str, int]
) -> None:
    assert await ids(client, "unpaid=true&type_id=2") == [invoices["issued"]]

    paid = await client.patch(
        f"invoices/{invoices['issued']}", json={"payed_at": today().isoformat()}
    )

    assert paid.status_code == 200, paid.text
    assert await ids(client, "unpaid=1") == []
    assert len(await ids(client, "unpaid=false")) == 4


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ("total_with_taxes,asc", ["rectificative", "alpha", "issued", "zeta"]),
        ("total_with_taxes", ["zeta", "issued", "alpha", "rectificative"]),
        ("name,asc", ["alpha", "issued", "rectificative", "zeta"]),
        ("id,asc", ["alpha", "zeta", "issued", "rectificative"]),
    ],
)
async def test_order_by_a_field_either_way(
    client: httpx.AsyncClient, invoices: dict[str, int], order: str, expected: list[str]
) -> None:
    assert await ids(client, f"order={order}") == [invoices[name] for name in expected]


# (query string, the parameter the 422 must name)
BAD_QUERIES = [
    ("page=0", "page"),
    ("page=-1", "page"),
    ("page=abc", "page"),
    ("per_page=0", "per_page"),
    ("per_page=101", "per_page"),
    ("type_id=9", "type_id"),
    ("type_id=x", "type_id"),
    ("contact_id=1.5", "contact_id"),
    ("serie_id=99999999999999999999999", "serie_id"),
    ("from=2024-13-01", "from"),
    ("to=yesterday", "to"),
    ("from=2024-02-01&to=2024-01-01", "from"),
    ("unpaid=maybe", "unpaid"),
    ("search=ab", "search"),
    ("search=" + "x" * 300, "search"),
    ("order=foo,asc", "order"),
    ("order=date,sideways", "order"),
]


async def test_each_bad_query_parameter_is_named(client: httpx.AsyncClient) -> None:
    for query, field in BAD_QUERIES:
        response = await client.get(f"invoices?{query}")

        assert list(errors_of(response)) == [field], query


async def test_empty_parameters_are_ignored(client: httpx.AsyncClient) -> None:
    response = await client.get("invoices?type_id=&search=&page=")

    assert response.status_code == 200, response.text


async def test_a_page_costs_the_same_statements_whatever_its_size(
    client: httpx.AsyncClient, database: Database, invoices: dict[str, int]
) -> None:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(database.engine.sync_engine, "before_cursor_execute", count)
    try:
        await client.get("invoices?per_page=1")
        one = len(statements)
        statements.clear()
        await client.get("invoices?per_page=4")
        four = len(statements)
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", count)

    assert one == four
