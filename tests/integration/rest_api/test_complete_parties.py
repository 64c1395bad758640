"""Issuing on /api names the party fields a complete invoice lacks, in the dialect's 422."""

from __future__ import annotations

import httpx

from .helpers import TALLERES, fields, invoice_body, new_client


async def test_a_client_without_address_is_a_422_naming_its_fields(api: httpx.AsyncClient) -> None:
    bare = {"tax_id": TALLERES["tax_id"], "name": "Talleres sin dirección S.L."}
    created = await api.post("/clients", json=bare)
    assert created.status_code == 201, created.text
    draft = await api.post("/invoices", json=invoice_body(created.json()["id"]))
    assert draft.status_code == 201, draft.text

    refused = await api.post(f"/invoices/{draft.json()['id']}/issue")

    assert refused.status_code == 422, refused.text
    assert fields(refused) == {
        "client.address": "required",
        "client.postal_code": "required",
        "client.city": "required",
    }
    still = await api.get(f"/invoices/{draft.json()['id']}")
    assert still.json()["status"] == "draft"


async def test_a_complete_client_is_issued(api: httpx.AsyncClient) -> None:
    client = await new_client(api)
    draft = await api.post("/invoices", json=invoice_body(client["id"]))

    issued = await api.post(f"/invoices/{draft.json()['id']}/issue")

    assert issued.status_code == 200, issued.text
    assert issued.json()["client"]["postal_code"] == TALLERES["postal_code"]
