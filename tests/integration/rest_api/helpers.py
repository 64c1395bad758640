"""Bodies the seed document sends, and helpers to read our answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

TODAY = dt.date.today().isoformat()

TALLERES = {
    "tax_id": "B12345674",
    "name": "Talleres García S.L.",
    "email": "info@talleresgarcia.es",
    "address": "Calle Mayor 1",
    "city": "Madrid",
    "postal_code": "28001",
    "country": "ES",
}


def filter_item(**changes: Any) -> dict[str, Any]:
    item = {
        "description": "Filtro de aceite Toyota Corolla",
        "quantity": 2,
        "unit_price": 15.99,
        "vat_rate": 21,
        "discount_percent": 0,
    }
    return {**item, **changes}


def invoice_body(client_id: str, **changes: Any) -> dict[str, Any]:
    body = {
        "client_id": client_id,
        "invoice_date": TODAY,
        "currency": "EUR",
        "exchange_rate": 1,
        "items": [filter_item()],
    }
    return {**body, **changes}


def fields(response: httpx.Response) -> dict[str, str]:
    """``{field: code}`` of a 4xx answer; a field is never listed twice."""
    listed = response.json()["error"].get("fields", [])
    names = [f["field"] for f in listed]
    assert len(names) == len(set(names)), listed
    return {f["field"]: f["code"] for f in listed}


async def new_client(api: httpx.AsyncClient, **changes: Any) -> dict[str, Any]:
    response = await api.post("/clients/find-or-create", json={**TALLERES, **changes})
    assert response.status_code in (200, 201), response.text
    client: dict[str, Any] = response.json()["client"]
    return client


async def new_invoice(api: httpx.AsyncClient, **changes: Any) -> dict[str, Any]:
    client = await new_client(api)
    response = await api.post("/invoices", json=invoice_body(client["id"], **changes))
    assert response.status_code == 201, response.text
    invoice: dict[str, Any] = response.json()
    return invoice


async def issued_invoice(api: httpx.AsyncClient, **changes: Any) -> dict[str, Any]:
    draft = await new_invoice(api, **changes)
    response = await api.post(f"/invoices/{draft['id']}/issue")
    assert response.status_code == 200, response.text
    invoice: dict[str, Any] = response.json()
    return invoice
