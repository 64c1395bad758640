"""The OpenAPI document lists exactly the /api routes, with the errors each can answer.
(Every answer of the other tests is validated against it: see ``spec.py``.)"""

from __future__ import annotations

import json

import jsonschema_rs

from invoicegraph.rest.api import routes
from invoicegraph.rest.api.openapi import openapi_components, openapi_paths


def test_every_route_is_documented_and_nothing_else() -> None:
    documented = {
        (method.upper(), path) for path, item in openapi_paths().items() for method in item
    }
    served = {(method, f"/api{route.path}") for route in routes() for method in route.methods or ()}
    assert documented == {(m, p) for m, p in served if m != "HEAD"}


def test_operations_name_their_errors_and_security() -> None:
    write_paths = {f"/api{route.path}" for route in routes() if route.write}  # type: ignore[attr-defined]
    ids = set()
    for path, item in openapi_paths().items():
        for method, operation in item.items():
            ids.add(operation["operationId"])
            assert operation["security"] == [{"bearerAuth": []}]
            responses = operation["responses"]
            assert {"401", "429", "503"} <= set(responses), path
            if "{id}" in path:
                assert "404" in responses, path
            if method == "post":
                assert {"400", "409", "413", "422"} <= set(responses), path
                assert path in write_paths and "403" in responses, path
    assert len(ids) == sum(len(item) for item in openapi_paths().values())


def test_every_reference_resolves_and_every_schema_compiles() -> None:
    components = openapi_components()
    text = json.dumps(openapi_paths()) + json.dumps(components)
    for name in {part.split('"')[0] for part in text.split("#/components/schemas/")[1:]}:
        assert name in components["schemas"], name
    for name, schema in components["schemas"].items():
        jsonschema_rs.validator_for({**schema, "components": components})
        assert name.startswith("Api")


def test_the_seed_bodies_are_valid_requests() -> None:
    components = openapi_components()
    validator = jsonschema_rs.validator_for(
        {"$ref": "#/components/schemas/ApiInvoiceInput", "components": components}
    )
    validator.validate(
        {
            "client_id": "0b7c9d1e-2f3a-4b5c-8d6e-7f8091a2b3c4",
            "invoice_date": "2025-06-30",
            "currency": "EUR",
            "exchange_rate": 1,
            "items": [
                {
                    "description": "Filtro de aceite Toyota Corolla",
                    "quantity": 2,
                    "unit_price": 15.99,
                    "vat_rate": 21,
                    "discount_percent": 0,
                }
            ],
        }
    )
    rectify = jsonschema_rs.validator_for(
        {"$ref": "#/components/schemas/ApiRectifyInput", "components": components}
    )
    rectify.validate(
        {
            "items": [
                {
                    "description": "Filtro aceite REF-001",
                    "reference": "REF-001",
                    "quantity": 1,
                    "unit_price": 15.99,
                    "vat_rate": 21,
                    "discount_percent": 0,
                }
            ],
            "notes": "Devolución parcial — piezas defectuosas",
            "causa_rectificacion": "R1",
        }
    )
    assert not rectify.is_valid({"items": [{"quantity": 1}]})
    assert not validator.is_valid({"invoice_date": "2025-02-29"})
    assert validator.is_valid({"invoice_date": "2024-02-29"})
