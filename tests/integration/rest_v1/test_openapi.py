"""The /v1 OpenAPI document is true to the routes: every route is documented, every
documented operation exists, and what the routes answer validates against it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from invoicegraph.rest.openapi import openapi_document

from .conftest import Seed, create, issued_invoice, seed_payload, today

jsonschema_rs = pytest.importorskip("jsonschema_rs")


def conforms(path: str, method: str, response: httpx.Response) -> None:
    """The response's body validates against the schema documented for its status."""
    components = openapi_document()["components"]
    answer = openapi_document()["paths"][path][method]["responses"][str(response.status_code)]
    schema = answer["content"]["application/json"]["schema"]
    validator = jsonschema_rs.validator_for({**schema, "components": components})
    errors = [str(error) for error in validator.iter_errors(response.json())]
    assert errors == [], (path, method, response.status_code, errors[:3])


async def test_answers_validate_against_the_document(client: httpx.AsyncClient, seed: Seed) -> None:
    draft = await create(client, seed_payload(seed))
    invoice_id = await issued_invoice(client, seed)
    one = "/v1/invoices/{id}"
    checks: list[tuple[str, str, Any]] = [
        ("/v1/info", "get", client.get("info")),
        ("/v1/invoices", "get", client.get("invoices?per_page=1")),
        ("/v1/invoices", "post", client.post("invoices", json=seed_payload(seed))),
        ("/v1/invoices", "post", client.post("invoices", json={"lines": 5})),
        ("/v1/invoices", "get", client.get("invoices?order=nope")),
        (one, "get", client.get(f"invoices/{invoice_id}")),
        (one, "get", client.get("invoices/987654321")),
        (one, "patch", client.patch(f"invoices/{draft['id']}", json={"payed_at": None})),
        (one, "patch", client.patch(f"invoices/{invoice_id}", json={"lines": []})),
        (
            "/v1/invoices/{id}/rectify",
            "post",
            client.post(
                f"invoices/{invoice_id}/rectify",
                json={"date": today().isoformat(), "serie_id": seed.series["R"]},
            ),
        ),
        (
            "/v1/invoices/{id}/issue",
            "post",
            client.post(
                f"invoices/{draft['id']}/issue",
                json={"date": today().isoformat(), "serie_id": seed.series["F"]},
            ),
        ),
        ("/v1/contacts", "get", client.get("contacts")),
        ("/v1/contacts/{id}", "get", client.get(f"contacts/{seed.contact_id}")),
        ("/v1/contacts", "post", client.post("contacts", json={"name": "New S.L."})),
        ("/v1/products", "get", client.get("products")),
        ("/v1/products/{id}", "get", client.get(f"products/{seed.consulting_id}")),
        ("/v1/taxes", "get", client.get("taxes")),
        ("/v1/taxes/{id}", "get", client.get(f"taxes/{seed.iva21}")),
        ("/v1/series", "get", client.get("series")),
        ("/v1/series/{id}", "get", client.get(f"series/{seed.series['F']}")),
        ("/v1/payment-methods", "get", client.get("payment-methods")),
        ("/v1/due-dates", "get", client.get("due-dates")),
        ("/v1/due-dates/{id}", "get", client.get(f"due-dates/{seed.due_date_id}")),
    ]
    for path, method, request in checks:
        conforms(path, method, await request)
    conforms("/v1/invoices", "get", await client.get("invoices", headers={"Authorization": ""}))
