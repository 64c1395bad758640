"""One 422 names every offending field of a body: what its model refuses (a type, a choice, an
unknown field) and what the services' rules refuse on the rest of it (a client or tax that
does not exist, a currency no one uses), each dialect in its own error shape — and the check
leaves nothing behind."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from invoicegraph.app import create_app
from invoicegraph.db.engine import Database
from invoicegraph.settings import Settings
from tests.parties import CLIENT_BODY_API

MISSING_UUID = "00000000-0000-4000-8000-000000000000"
MISSING_ID = 999_999_999


@pytest.fixture
async def http(database: Database, write_key: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(rate_limit_per_minute=100_000), database=database)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://test",
        headers={"Authorization": f"Bearer {write_key}"},
    ) as client:
        yield client


async def _first_id(http: httpx.AsyncClient, path: str) -> int:
    listed = await http.get(path)
    assert listed.status_code == 200, listed.text
    return int(listed.json()["data"][0]["id"])


async def _v1_invoice(http: httpx.AsyncClient) -> dict[str, Any]:
    """A valid /v1 create body, for the tests to spoil."""
    created = await http.post("/api/clients", json={"name": "Cliente S.L.", **CLIENT_BODY_API})
    assert created.status_code == 201, created.text
    return {
        "name": "Factura",
        "contact_id": await _first_id(http, "/v1/contacts"),
        "due_date_id": await _first_id(http, "/v1/due-dates"),
        "payment_method_id": await _first_id(http, "/v1/payment-methods"),
        "lang": "es",
        "currency": "EUR",
        "date_format": "dd/mm/yyyy",
        "money_format": "symbol_after,point,comma",
        "lines": [{"description": "Consultoría", "quantity": 1, "price": 100}],
    }


async def _v1_total(http: httpx.AsyncClient) -> int:
    listed = await http.get("/v1/invoices")
    assert listed.status_code == 200, listed.text
    return int(listed.json()["meta"]["total"])


async def _api_count(http: httpx.AsyncClient) -> int:
    listed = await http.get("/api/invoices")
    assert listed.status_code == 200, listed.text
    return len(listed.json()["data"])


def _api_fields(answer: httpx.Response) -> dict[str, str]:
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"] == "validation_failed" and "field_count" not in error
    return {field["field"]: field["code"] for field in error["fields"]}


def _v1_fields(answer: httpx.Response) -> set[str]:
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert body["message"] == "The given data was invalid."
    return set(body["errors"])


async def test_v1_names_the_models_and_the_rules_problems_together(
    http: httpx.AsyncClient,
) -> None:
    body = await _v1_invoice(http)
    body.update(
        lang="xx",  # model: not a language of the seed
        currency="ZZZ",  # rules: three letters, but no ISO 4217 currency
        date_format="dd/mm/yy",  # model
        money_format="symbol_after",  # model
        colour="blue",  # model: not a field
    )
    body["lines"][0]["taxes"] = [MISSING_ID]  # rules: no such tax
    answer = await http.post("/v1/invoices", json=body)
    errors = answer.json()["errors"]
    assert _v1_fields(answer) == {
        "lang",
        "currency",
        "date_format",
        "money_format",
        "colour",
        "lines.0.taxes.0",
    }
    assert errors["colour"] == ["is not a field of this body"]
    assert "ISO 4217" in errors["currency"][0]
    assert "not found" in errors["lines.0.taxes.0"][0]
    assert await _v1_total(http) == 0


async def test_v1_patch_names_both_kinds_too(http: httpx.AsyncClient) -> None:
    created = await http.post("/v1/invoices", json=await _v1_invoice(http))
    assert created.status_code == 201, created.text
    invoice = created.json()["data"]
    answer = await http.patch(
        f"/v1/invoices/{invoice['id']}",
        json={"lang": "xx", "contact_id": MISSING_ID, "name": "Cambiada"},
    )
    assert _v1_fields(answer) == {"lang", "contact_id"}
    unchanged = await http.get(f"/v1/invoices/{invoice['id']}")
    assert unchanged.json()["data"]["name"] == "Factura"


async def test_api_names_the_models_and_the_rules_problems_together(
    http: httpx.AsyncClient,
) -> None:
    body = {
        "client_id": MISSING_UUID,  # rules: no such client
        "discount_percnt": 10,  # model: a typo of a field
        "items": [
            {"description": "Revisión", "quantity": 1, "unit_price": 50, "vat_rate": 13},
            {"description": "Manual", "quantity": 1, "unit_price": 5, "vat_rate": 150},
        ],
    }
    fields = _api_fields(await http.post("/api/invoices", json=body))
    assert fields == {
        "discount_percnt": "unknown_field",
        "client_id": "not_found",
        "items.0.vat_rate": "not_found",  # rules: no IVA tax of 13 %
        "items.1.vat_rate": "out_of_range",  # model: over 100 %
    }
    assert await _api_count(http) == 0


@pytest.mark.parametrize("key", [None, "every-problem"])
async def test_a_body_the_rules_accept_is_still_refused_and_leaves_nothing(
    http: httpx.AsyncClient, key: str | None
) -> None:
    """The rules run the route on the rest of the body: whatever it did is undone, with or
    without an Idempotency-Key (whose retry replays the same 422)."""
    created = await http.post("/api/clients", json={"name": "Cliente S.L.", **CLIENT_BODY_API})
    body = {
        "client_id": created.json()["id"],
        "items": [{"description": "Revisión", "quantity": 1, "unit_price": 50, "vat_rate": 21}],
        "discount_percnt": 10,
    }
    headers = {"Idempotency-Key": key} if key else {}
    answers = [await http.post("/api/invoices", json=body, headers=headers) for _ in range(2)]
    assert [_api_fields(answer) for answer in answers] == [{"discount_percnt": "unknown_field"}] * 2
    if key:
        assert answers[1].headers.get("Idempotent-Replayed") == "true"
    assert await _api_count(http) == 0


async def test_api_rectify_names_a_bad_quantity_and_an_item_it_cannot_match(
    http: httpx.AsyncClient,
) -> None:
    created = await http.post("/api/clients", json={"name": "Cliente S.L.", **CLIENT_BODY_API})
    item = {"description": "Revisión", "quantity": 2, "unit_price": 50, "vat_rate": 21}
    draft = await http.post(
        "/api/invoices", json={"client_id": created.json()["id"], "items": [item]}
    )
    issued = await http.post(f"/api/invoices/{draft.json()['id']}/issue")
    assert issued.status_code == 200, issued.text
    body = {
        "items": [
            {"description": "Revisión", "quantity": -1},  # model: must be positive
            {"description": "No existe", "quantity": 1},  # rules: matches no line
        ]
    }
    answer = await http.post(f"/api/invoices/{draft.json()['id']}/rectify", json=body)
    fields = _api_fields(answer)
    assert fields.keys() == {"items.0.quantity", "items.1.description"}, answer.text
