"""Bad input is a 4xx that names the problem, never a 500. Fields we do not know are ignored
(the seed itself sends some an operation does not use); known fields have strict types."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from .helpers import TALLERES, fields, filter_item, invoice_body, issued_invoice, new_client


async def _create(api: httpx.AsyncClient, **changes: Any) -> httpx.Response:
    client = await new_client(api)
    return await api.post("/invoices", json=invoice_body(client["id"], **changes))


async def test_wrong_types_are_listed_field_by_field(api: httpx.AsyncClient) -> None:
    response = await _create(
        api,
        invoice_date="01/02/2025",
        exchange_rate="1",
        notes=["not", "text"],
        items=[
            filter_item(quantity="2"),
            filter_item(unit_price=True, description=7),
            "not an item",
            None,
            filter_item(vat_rate=None, discount_percent={}),
        ],
    )
    assert response.status_code == 422
    assert fields(response) == {
        "invoice_date": "invalid_date",
        "exchange_rate": "invalid_type",
        "notes": "invalid_type",
        "items.0.quantity": "invalid_type",
        "items.1.unit_price": "invalid_type",
        "items.1.description": "invalid_type",
        "items.2": "invalid_type",
        "items.3": "invalid_type",
        "items.4.vat_rate": "required",
        "items.4.discount_percent": "invalid_type",
    }
    assert (await api.get("/invoices")).json()["data"] == []


async def test_an_object_instead_of_a_list_and_a_list_instead_of_an_object(
    api: httpx.AsyncClient,
) -> None:
    response = await _create(api, items={"description": "x", "quantity": 1})
    assert response.status_code == 422 and fields(response) == {"items": "invalid_type"}
    response = await api.post("/invoices", json=[invoice_body(str(uuid.uuid4()))])
    assert response.status_code == 422 and fields(response) == {"body": "invalid_type"}
    response = await api.post("/clients", content=b"{not json", headers={"content-type": "x"})
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"
    json = {"content-type": "application/json; charset=utf-8"}
    response = await api.post("/clients", content=b"{not json", headers=json)
    assert response.status_code == 400


async def test_decimals_arrive_exact_and_unknown_fields_are_refused_by_name(
    api: httpx.AsyncClient,
) -> None:
    typo = await _create(api, colour="blue", items=[filter_item(discount_percnt=10, sku="x")])
    assert typo.status_code == 422
    assert fields(typo) == {
        "colour": "unknown_field",
        "items.0.discount_percnt": "unknown_field",
        "items.0.sku": "unknown_field",
    }
    response = await _create(
        api, items=[filter_item(quantity=0.5, unit_price=0.1, discount_percent=12.5)]
    )
    assert response.status_code == 201, response.text
    [item] = response.json()["items"]
    assert (item["quantity"], item["unit_price"], item["discount_percent"]) == (0.5, 0.1, 12.5)
    assert (item["subtotal"], item["discount_total"], item["tax_base"]) == (0.05, 0.01, 0.04)
    assert "colour" not in response.json()


async def test_absurd_quantities_prices_and_rates(api: httpx.AsyncClient) -> None:
    response = await _create(
        api, items=[filter_item(quantity=1e300), filter_item(unit_price=-(10**40))]
    )
    assert response.status_code == 422
    assert fields(response) == {
        "items.0.quantity": "out_of_range",
        "items.1.unit_price": "out_of_range",
    }
    response = await _create(
        api,
        exchange_rate=0,
        items=[
            filter_item(quantity=10**12),
            filter_item(unit_price=0.0000001),
            filter_item(discount_percent=150),
            filter_item(vat_rate=-21),
            filter_item(description=" "),
        ],
    )
    assert response.status_code == 422
    assert fields(response) == {
        "exchange_rate": "out_of_range",
        "items.0.quantity": "out_of_range",
        "items.1.unit_price": "invalid",
        "items.2.discount_percent": "out_of_range",
        "items.3.vat_rate": "out_of_range",
        "items.4.description": "required",
    }
    # well-typed, in their bounds, refused by the services' rules (all at once too)
    response = await _create(
        api,
        items=[
            filter_item(vat_rate=17),
            filter_item(quantity=10**9, unit_price=10**10),  # each in range, the product not
        ],
    )
    assert fields(response) == {"items.0.vat_rate": "not_found", "items.1.quantity": "out_of_range"}


async def test_a_negative_quantity_makes_a_credit_line_on_a_draft(api: httpx.AsyncClient) -> None:
    response = await _create(api, items=[filter_item(quantity=-1)])
    assert response.status_code == 201
    assert response.json()["total"] == -19.35


async def test_bad_dates(api: httpx.AsyncClient) -> None:
    for date in ("2025-02-30", "2025-2-1", "20250201", "", 20250201, "2025-02-01T10:00:00"):
        response = await _create(api, invoice_date=date)
        assert response.status_code == 422, date
        assert fields(response) == {"invoice_date": "invalid_date"}
    response = await _create(api, invoice_date=None)
    assert fields(response) == {"invoice_date": "required"}
    for date in ("9999-12-31", "0001-01-01"):
        response = await _create(api, invoice_date=date)
        assert fields(response) == {"invoice_date": "out_of_range"}
    later = await _create(api, invoice_date="2999-12-31")
    assert later.status_code == 201  # a draft may carry a future date; issuing checks it
    refused = await api.post(f"/invoices/{later.json()['id']}/issue")
    assert refused.status_code == 422 and fields(refused) == {"invoice_date": "out_of_range"}
    refused = await api.post(f"/invoices/{later.json()['id']}/issue", json={"invoice_date": 1})
    assert refused.status_code == 422 and fields(refused) == {"invoice_date": "invalid_date"}


async def test_unknown_or_foreign_or_malformed_client_id(api: httpx.AsyncClient) -> None:
    for client_id, code in ((str(uuid.uuid4()), "not_found"), ("42", "invalid_id")):
        response = await api.post("/invoices", json=invoice_body(client_id))
        assert response.status_code == 422
        assert fields(response) == {"client_id": code}


async def test_megabyte_strings_are_refused_by_size_or_by_field(api: httpx.AsyncClient) -> None:
    huge = "x" * 1_100_000
    response = await _create(api, notes=huge)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    long = "x" * 800_000
    response = await _create(
        api, notes=long, items=[filter_item(description=long[:100_000], reference=long[:1000])]
    )
    assert response.status_code == 422
    assert fields(response) == {
        "notes": "too_long",
        "items.0.description": "too_long",
        "items.0.reference": "too_long",
    }
    response = await _create(api, external_reference="R" * 256)
    assert fields(response) == {"external_reference": "too_long"}
    response = await api.post("/clients", json={**TALLERES, "name": long})
    assert response.status_code == 422 and fields(response) == {"name": "too_long"}
    response = await api.get("/invoices", params={"external_reference": "R" * 256})
    assert fields(response) == {"external_reference": "too_long"}


async def test_client_bodies(api: httpx.AsyncClient) -> None:
    response = await api.post("/clients", json={"tax_id": 12345678, "email": False})
    assert response.status_code == 422
    assert fields(response) == {
        "name": "required",
        "tax_id": "invalid_type",
        "email": "invalid_type",
    }
    response = await api.post("/clients", json={"tax_id": "12345678Z", "country": "Spain"})
    assert response.status_code == 422
    assert fields(response) == {"name": "required", "country": "invalid"}
    response = await api.post("/clients/find-or-create", json={"name": "No tax id"})
    assert response.status_code == 422 and fields(response) == {"tax_id": "required"}
    response = await api.post("/clients", json={"name": "Bad NIF", "tax_id": "B87654321"})
    assert response.status_code == 422 and fields(response) == {"tax_id": "invalid"}
    response = await api.post("/clients", json=None)
    assert response.status_code == 422 and fields(response) == {"name": "required"}


async def test_rectification_bodies(api: httpx.AsyncClient) -> None:
    invoice = await issued_invoice(api)
    path = f"/invoices/{invoice['id']}/rectify"
    cases: list[tuple[Any, dict[str, str]]] = [
        (None, {"items": "required"}),
        ({"items": []}, {"items": "required"}),
        ({"items": {"quantity": 1}}, {"items": "invalid_type"}),
        ({"items": [{"quantity": 1}]}, {"items.0.description": "required"}),
        (
            {"items": [{"description": "Filtro de aceite Toyota Corolla"}]},
            {"items.0.quantity": "required"},
        ),
        ({"items": [{"reference": "NOPE", "quantity": 1}]}, {"items.0.reference": "no_match"}),
        ({"items": [filter_item(quantity=-1)]}, {"items.0.quantity": "out_of_range"}),
        ({"items": [filter_item(quantity=0.00001)]}, {"items.0.quantity": "invalid"}),
        ({"items": [filter_item(quantity=3)]}, {"items.0.quantity": "exceeds_remaining"}),
        (
            {"items": [filter_item(quantity=1)], "causa_rectificacion": "R9"},
            {"causa_rectificacion": "invalid_choice"},
        ),
        (
            {"items": [filter_item(quantity=1)], "causa_rectificacion": "R5"},
            {"causa_rectificacion": "invalid"},
        ),
        ({"items": [filter_item(quantity=1)], "notes": "n" * 5001}, {"notes": "too_long"}),
    ]
    for body, expected in cases:
        response = await api.post(path, json=body)
        assert response.status_code == 422, (body, response.text)
        assert fields(response) == expected, body
    response = await api.post(f"/invoices/{invoice['id']}/correct", json={"notes": 5})
    assert response.status_code == 422 and fields(response) == {"notes": "invalid_type"}


async def test_pagination_parameters(api: httpx.AsyncClient) -> None:
    for params, field in (
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"limit": "-1"}, "limit"),
        ({"cursor": "garbage"}, "cursor"),
        ({"cursor": "WyJhIiwiYiJd"}, "cursor"),  # ["a","b"]: a list, but not of ids
        ({"status": "paid"}, "status"),
        ({"client_id": "x"}, "client_id"),
    ):
        response = await api.get("/invoices", params=params)
        assert response.status_code == 422, params
        assert list(fields(response)) == [field]
    response = await api.get("/clients", params={"search": "ab"})
    assert response.status_code == 422 and fields(response) == {"search": "too_short"}
