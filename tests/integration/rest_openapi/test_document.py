"""The OpenAPI document is generated from the route tables and their models: it lists exactly
the served operations, each with an operationId, its errors and headers, and the seeds' own
example bodies validate against it (as they are accepted by the server)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from invoicegraph.rest import api, v1
from invoicegraph.rest.openapi import openapi_document

SEEDS = Path(__file__).resolve().parents[3] / ".." / "shared" / "seeds"


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in openapi_document()["paths"].items()
        for method, operation in item.items()
    ]


def test_every_served_operation_is_documented_and_nothing_else() -> None:
    served = {
        (method, f"/{prefix}{route.path}")
        for prefix, package in (("api", api), ("v1", v1))
        for route in package.routes()
        for method in route.methods or ()
        if method not in ("HEAD", "OPTIONS")
    }
    documented = {(method, path) for method, path, _ in _operations()}
    assert documented == served
    assert len(served) == len(api.OPERATIONS) + len(v1.OPERATIONS)


def test_operations_have_ids_descriptions_errors_and_headers() -> None:
    ids = [operation["operationId"] for _, _, operation in _operations()]
    assert len(ids) == len(set(ids))
    for method, path, operation in _operations():
        responses = operation["responses"]
        assert operation["summary"] and operation["description"], path
        assert {"401", "429", "503"} <= set(responses), (method, path)
        assert "Retry-After" in responses["429"]["headers"]
        ok = next(code for code in responses if code.startswith("2"))
        assert "X-RateLimit-Remaining" in responses[ok]["headers"]
        if "{id}" in path:
            assert "404" in responses, (method, path)
        if "requestBody" in operation:
            assert {"400", "403", "413", "415", "422"} <= set(responses), (method, path)
            assert "Idempotent-Replayed" in responses[ok]["headers"]


def test_no_schema_uses_what_generators_choke_on() -> None:
    text = json.dumps(openapi_document())
    assert "multipleOf" not in text
    for enum in re.findall(r'"enum": \[([^\]]*)\]', text):
        kinds = {type(value) for value in json.loads(f"[{enum}]")}
        assert len(kinds) == 1, enum


def test_every_reference_resolves_and_every_schema_compiles() -> None:
    document = openapi_document()
    text = json.dumps(document)
    for section, name in set(re.findall(r'"#/components/(\w+)/([\w.-]+)"', text)):
        assert name in document["components"][section], (section, name)
    for schema in document["components"]["schemas"].values():
        jsonschema_rs.validator_for({**schema, "components": document["components"]})


def _body_validator(path: str, method: str) -> Any:
    document = openapi_document()
    body = document["paths"][path][method]["requestBody"]["content"]["application/json"]
    return jsonschema_rs.validator_for({**body["schema"], "components": document["components"]})


def _seed_json_bodies(text: str) -> list[Any]:
    """The seed 001 payloads (its answers are not valid JSON as printed: missing commas)."""
    found = []
    for block in re.findall(r"Playload\s*\n\s*(\{.*?\n\})", text, flags=re.S):
        found.append(json.loads(block.replace("\\/", "/")))
    return found


@pytest.mark.skipif(not SEEDS.exists(), reason="the seeds live beside the repository")
def test_every_seed_example_body_validates_against_the_document() -> None:
    create, patch, issue, rectify = _seed_json_bodies(next(SEEDS.glob("001_*.txt")).read_text())
    assert _body_validator("/v1/invoices", "post").is_valid(create)
    assert _body_validator("/v1/invoices/{id}", "patch").is_valid(patch)
    assert _body_validator("/v1/invoices/{id}/issue", "post").is_valid(issue)
    assert _body_validator("/v1/invoices/{id}/rectify", "post").is_valid(rectify)


def test_the_facturovia_seed_bodies_validate_against_the_document() -> None:
    client_id = "0b7c9d1e-2f3a-4b5c-8d6e-7f8091a2b3c4"
    item = {"description": "Filtro aceite REF-001", "quantity": 1, "unit_price": 15.99,
            "vat_rate": 21, "discount_percent": 0}  # fmt: skip
    find_or_create = {"tax_id": "B12345674", "name": "Talleres García S.L.",
                      "email": "info@talleresgarcia.es", "address": "Calle Mayor 1",
                      "city": "Madrid", "postal_code": "28001", "country": "ES"}  # fmt: skip
    invoice = {"external_reference": "ORDER-2847", "client_id": client_id,
               "invoice_date": "2025-06-30", "currency": "EUR", "exchange_rate": 1,
               "items": [item, {**item, "quantity": 2, "unit_price": 89.50}]}  # fmt: skip
    rectify = {"items": [{**item, "reference": "REF-001"}],
               "notes": "Devolución parcial — piezas defectuosas", "causa_rectificacion": "R1"}  # fmt: skip
    assert _body_validator("/api/clients/find-or-create", "post").is_valid(find_or_create)
    assert _body_validator("/api/invoices", "post").is_valid(invoice)
    assert _body_validator("/api/invoices/{id}/rectify", "post").is_valid(rectify)
    assert not _body_validator("/api/invoices", "post").is_valid({"discount_percnt": 10})
    assert not _body_validator("/api/invoices", "post").is_valid({"invoice_date": "2025-02-30"})
