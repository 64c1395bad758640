"""/api invoices, quotes and clients answered from SQL-built JSON are the bytes the shapers
answer, on both engines, for every filter and page, and they obey the dialect's JSON Schema."""

from __future__ import annotations

from typing import Any

import jsonschema_rs
import pytest

from invoicegraph.rest.api.models import ApiClient, ApiInvoice, ApiQuote, list_of

from .conftest import Faces, without_request_id


def _error(body: dict[str, Any]) -> dict[str, Any]:
    """An /api error but its request id (each answer has its own)."""
    return without_request_id(body["error"])


def _validator(model: Any) -> Any:
    return jsonschema_rs.validator_for(model.model_json_schema(mode="serialization"))


SCHEMAS = {
    "invoices": (_validator(list_of(ApiInvoice)), _validator(ApiInvoice)),
    "quotes": (_validator(list_of(ApiQuote)), _validator(ApiQuote)),
    "clients": (_validator(list_of(ApiClient)), _validator(ApiClient)),
}

LISTS = {
    "invoices": [
        "",
        "?limit=1",
        "?limit=3",
        "?status=draft",
        "?status=issued",
        "?status=annulled",
        "?external_reference=MINE-order-1",
        "?external_reference=nothing",
    ],
    "quotes": ["", "?limit=1", "?status=draft", "?status=accepted", "?external_reference=x"],
    "clients": ["", "?limit=1", "?search=MINE", "?search=plain", "?search=zzzz", "?tax_id=X1"],
}
CASES = [(kind, query) for kind, queries in LISTS.items() for query in queries]


async def _walk(faces: Faces, path: str) -> int:
    """Every page of the list, following next_cursor on both paths; how many pages."""
    pages = 0
    while True:
        sql, orm = await faces.both(path)
        assert sql.status_code == orm.status_code == 200, (path, sql.text, orm.text)
        assert sql.content == orm.content, path
        kind = path.split("/")[2].split("?")[0]
        SCHEMAS[kind][0].validate(sql.json())
        pages += 1
        cursor = sql.json()["next_cursor"]
        if cursor is None:
            return pages
        base, _, query = path.partition("?")
        kept = [p for p in query.split("&") if p and not p.startswith("cursor=")]
        path = base + "?" + "&".join([*kept, f"cursor={cursor}"])


@pytest.mark.parametrize(("kind", "query"), CASES, ids=[f"{k}{q}" for k, q in CASES])
async def test_a_list_is_the_bytes_of_the_shapers(faces: Faces, kind: str, query: str) -> None:
    await _walk(faces, f"/api/{kind}{query}")


async def test_a_list_by_client_is_the_bytes_of_the_shapers(faces: Faces) -> None:
    for kind in ("invoices", "quotes"):
        for client in [*faces.book.api_clients, "0b7c9d1e-2f3a-4b5c-8d6e-7f8091a2b3c4"]:
            await _walk(faces, f"/api/{kind}?client_id={client}")


async def test_pages_of_one_follow_the_same_cursors(faces: Faces) -> None:
    assert await _walk(faces, "/api/invoices?limit=1") >= len(faces.book.api_invoices)
    assert await _walk(faces, "/api/quotes?limit=1") >= 2


async def test_every_document_is_the_bytes_of_the_shapers(faces: Faces) -> None:
    book = faces.book
    documents = {
        "invoices": book.api_invoices,
        "quotes": book.api_quotes,
        "clients": book.api_clients,
    }
    for kind, ids in documents.items():
        assert ids
        for ident in ids:
            sql, orm = await faces.both(f"/api/{kind}/{ident}")
            assert sql.status_code == orm.status_code == 200
            assert sql.content == orm.content, (kind, ident)
            SCHEMAS[kind][1].validate(sql.json())


async def test_the_book_shows_every_kind_of_value(faces: Faces) -> None:
    """The comparison is worth something only if the rows carry what the faces show."""
    rows = (await faces.sql.get("/api/invoices")).json()["data"]
    assert {row["status"] for row in rows} == {"draft", "issued", "annulled"}
    assert any(row["client"] is None for row in rows)
    assert any(row["original_invoice_id"] for row in rows)
    assert any(row["rectification_status"] == "partial" for row in rows)
    blocks = [row["e_invoicing"] for row in rows if row["e_invoicing"] is not None]
    assert bool(blocks) == faces.verifactu
    kinds = {tax["kind"] for row in rows for tax in row["taxes"]}
    assert kinds == {"vat", "withholding", "surcharge"}
    rates = {item["vat_rate"] for row in rows for item in row["items"]}
    assert {21, 10, 4, 0} <= rates
    assert any(item["withholding_rate"] for row in rows for item in row["items"])
    assert any(len(row["taxes"]) >= 5 for row in rows)
    quotes = (await faces.sql.get("/api/quotes")).json()["data"]
    assert any(quote["items"] == [] for quote in quotes)
    assert any(len(quote["taxes"]) >= 5 for quote in quotes)


async def test_another_tenants_rows_are_not_found_on_both_paths(faces: Faces) -> None:
    """The other tenants' ids are nowhere in my lists, and fetched directly they are 404s."""
    theirs = {
        "invoices": [i for book in faces.others for i in book.api_invoices],
        "quotes": [i for book in faces.others for i in book.api_quotes],
        "clients": [i for book in faces.others for i in book.api_clients],
    }
    for kind, ids in theirs.items():
        assert ids
        listed = {row["id"] for row in (await faces.sql.get(f"/api/{kind}")).json()["data"]}
        assert set(getattr(faces.book, f"api_{kind}")) <= listed
        assert listed.isdisjoint(ids)
        for ident in [*ids, "0b7c9d1e-2f3a-4b5c-8d6e-7f8091a2b3c4", "not-a-uuid"]:
            sql, orm = await faces.both(f"/api/{kind}/{ident}")
            assert sql.status_code == orm.status_code
            assert sql.status_code in (404, 422)
            assert _error(sql.json()) == _error(orm.json())
