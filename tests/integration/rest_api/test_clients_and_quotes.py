"""Clients and quotes through /api."""

from __future__ import annotations

import httpx

from .helpers import TALLERES, fields, filter_item, new_client

CLIENT_KEYS = {
    "id", "name", "tax_id", "email", "phone", "address", "city", "province", "postal_code",
    "country", "notes", "created_at", "updated_at",
}  # fmt: skip


async def test_create_get_search_and_page_clients(api: httpx.AsyncClient) -> None:
    created = await api.post("/clients", json={"name": "Lavandería Sol", "tax_id": "12345678Z"})
    assert created.status_code == 201
    client = created.json()
    assert set(client) == CLIENT_KEYS and client["country"] == "ES"
    assert (await api.get(f"/clients/{client['id']}")).json() == client
    duplicate = await api.post("/clients", json={"name": "Otra", "tax_id": "12345678-z"})
    assert duplicate.status_code == 422 and fields(duplicate) == {"tax_id": "duplicate"}
    other = await new_client(api)
    found = (await api.get("/clients", params={"search": "lavan"})).json()
    assert [c["id"] for c in found["data"]] == [client["id"]]
    by_tax_id = (await api.get("/clients", params={"tax_id": "B12345674"})).json()
    assert [c["id"] for c in by_tax_id["data"]] == [other["id"]]
    first = (await api.get("/clients", params={"limit": "1"})).json()
    assert [c["id"] for c in first["data"]] == [other["id"]] and first["next_cursor"]
    rest = (await api.get("/clients", params={"cursor": first["next_cursor"]})).json()
    assert [c["id"] for c in rest["data"]] == [client["id"]] and rest["next_cursor"] is None


async def test_find_or_create_matches_the_tax_id_in_any_spelling(api: httpx.AsyncClient) -> None:
    created = await api.post("/clients/find-or-create", json=TALLERES)
    found = await api.post(
        "/clients/find-or-create", json={"tax_id": "b-12345674", "name": "Another name"}
    )
    assert (created.status_code, found.status_code) == (201, 200)
    assert found.json()["client"]["id"] == created.json()["client"]["id"]
    assert found.json()["client"]["name"] == "Talleres García S.L."  # found, never overwritten


async def test_quotes_create_list_and_get(api: httpx.AsyncClient) -> None:
    client = await new_client(api)
    response = await api.post(
        "/quotes",
        json={
            "client_id": client["id"],
            "quote_date": "2025-03-01",
            "valid_until": "2025-03-31",
            "external_reference": "CART-77",
            "items": [filter_item()],
        },
    )
    assert response.status_code == 201, response.text
    quote = response.json()
    assert quote["status"] == "draft" and quote["client_id"] == client["id"]
    assert (quote["quote_date"], quote["valid_until"]) == ("2025-03-01", "2025-03-31")
    assert (quote["tax_base"], quote["tax_total"], quote["total"]) == (31.98, 6.72, 38.7)
    assert (await api.get(f"/quotes/{quote['id']}")).json() == quote
    await api.post("/quotes", json={"external_reference": "CART-78"})
    listed = (await api.get("/quotes", params={"external_reference": "CART-77"})).json()
    assert [q["id"] for q in listed["data"]] == [quote["id"]]
    assert len((await api.get("/quotes")).json()["data"]) == 2


async def test_quote_bodies_are_checked_like_invoices(api: httpx.AsyncClient) -> None:
    response = await api.post(
        "/quotes",
        json={
            "quote_date": "2025-03-31",
            "valid_until": "2025-03-01",
            "items": [filter_item(unit_price=None, discount_percent=-1)],
        },
    )
    assert response.status_code == 422
    assert fields(response) == {  # the item's and the dates' problems, in one answer
        "items.0.unit_price": "required",
        "items.0.discount_percent": "out_of_range",
        "valid_until": "invalid",
    }
    response = await api.post(
        "/quotes", json={"quote_date": "2025-03-31", "valid_until": "2025-03-01"}
    )
    assert fields(response) == {"valid_until": "invalid"}
    response = await api.post("/quotes", json={"quote_date": "31/03/2025", "items": "x"})
    assert fields(response) == {"quote_date": "invalid_date", "items": "invalid_type"}
