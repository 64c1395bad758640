"""The text fields of the creating routes and mutations, read from the contracts the app
publishes (the OpenAPI document for REST, the schema for GraphQL), so a new text field is
probed the day it is documented. Plus the bodies to put a probe into, and the checks."""

from __future__ import annotations

import copy
import itertools
import uuid
from collections.abc import Iterator
from typing import Any

from graphql import (
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
)

from invoicegraph.rest.openapi import openapi_document
from invoicegraph.schema.node import from_global_id

from .conftest import TODAY, Objects
from .mutations import named_type, served_schema

SQL_PROBES = ("' OR 1=1 --", "'; DROP TABLE invoices; --")
HTML_PROBES = ("<script>alert(1)</script>", "<img src=http://127.0.0.1:9/x>")
MARKDOWN_PROBES = ("[x](javascript:alert(1))", "![x](http://127.0.0.1:9/y)")
PROBES = SQL_PROBES + HTML_PROBES + MARKDOWN_PROBES

# the REST routes that create a client, an invoice or a quote
REST_CREATES = (
    "POST /api/clients",
    "POST /api/invoices",
    "POST /api/quotes",
    "POST /v1/contacts",
    "POST /v1/invoices",
)
GRAPHQL_CREATES = {"createClient": "client", "createInvoice": "invoice", "createQuote": "quote"}


def _api_item() -> dict[str, Any]:
    return {"description": "Servicio", "quantity": 1, "unit_price": 10, "vat_rate": 21}


def _text() -> dict[str, str]:
    return {"label": "Etiqueta", "text": "Texto"}


def rest_base(route: str, o: Objects) -> dict[str, Any]:
    """A valid body with one element in every list, so that every field has a place."""
    client = str(o.uuids["client"])
    bodies: dict[str, dict[str, Any]] = {
        "POST /api/clients": {"name": "Cliente"},
        "POST /api/invoices": {"client_id": client, "items": [_api_item()]},
        "POST /api/quotes": {"client_id": client, "items": [_api_item()]},
        "POST /v1/contacts": {"name": "Contacto"},
        "POST /v1/invoices": {
            "name": "Factura",
            "contact_id": o.ints["client"],
            "due_date_id": o.ints["due_date_term"],
            "payment_method_id": o.ints["payment_method"],
            "lang": "es",
            "currency": "EUR",
            "date_format": "dd/mm/yyyy",
            "money_format": "symbol_after,point,comma",
            "date": TODAY,
            "intro_texts": [_text()],
            "close_texts": [_text()],
            "lines": [{"description": "Servicio", "quantity": 1, "price": 10}],
        },
    }
    return copy.deepcopy(bodies[route])


def graphql_base(mutation: str, o: Objects) -> dict[str, Any]:
    client = str(o.uuids["client"])
    line = {"description": "Servicio", "quantity": "1", "price": "10", "vatRate": "21"}
    inputs: dict[str, dict[str, Any]] = {
        "createClient": {"name": "Cliente"},
        "createInvoice": {
            "clientId": client,
            "lines": [line],
            "introTexts": [_text()],
            "closeTexts": [_text()],
        },
        "createQuote": {
            "clientId": client,
            "lines": [line],
            "introTexts": [_text()],
            "closeTexts": [_text()],
        },
    }
    return copy.deepcopy(inputs[mutation])


# --- REST: the OpenAPI document -------------------------------------------------------------


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _is_text(schema: dict[str, Any]) -> bool:
    """A free string: not an id, a date, a number written as a string, or a choice."""
    branches = schema.get("anyOf") or schema.get("oneOf")
    if branches:
        return all(_is_text(b) or b.get("type") == "null" for b in branches) and any(
            _is_text(b) for b in branches
        )
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return "string" in kinds and schema.get("format") not in ("uuid", "date", "date-time")


def _walk(schema: dict[str, Any], components: dict[str, Any], prefix: str) -> Iterator[str]:
    schema = _resolve(schema, components)
    for name, prop in schema.get("properties", {}).items():
        prop = _resolve(prop, components)
        if _is_text(prop):
            yield prefix + name
        elif prop.get("type") == "array" or "array" in (prop.get("type") or []):
            items = _resolve(prop.get("items", {}), components)
            if "properties" in items:
                yield from _walk(items, components, f"{prefix}{name}.0.")
        elif "properties" in prop:
            yield from _walk(prop, components, f"{prefix}{name}.")


def rest_text_fields() -> list[tuple[str, str]]:
    """``(route, field path)`` for every text field of every creating REST route."""
    document = openapi_document()
    components = document["components"]["schemas"]
    found = []
    for route in REST_CREATES:
        method, path = route.split(" ")
        operation = document["paths"][path][method.lower()]
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        found += [(route, field) for field in _walk(schema, components, "")]
    return found


# --- GraphQL: the schema --------------------------------------------------------------------


def _input_fields(type_: GraphQLInputType, prefix: str) -> Iterator[str]:
    while isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    if isinstance(type_, GraphQLList):
        yield from _input_fields(type_.of_type, prefix + "0.")
    elif isinstance(type_, GraphQLInputObjectType):
        for name, field in type_.fields.items():
            yield from _input_fields(field.type, f"{prefix}{name}.")
    elif isinstance(type_, GraphQLScalarType) and type_.name == "String":
        yield prefix.rstrip(".")


def text_selection(type_name: str) -> str:
    """A selection of every text field of ``type_name`` and of the object lists it holds
    (lines, texts), so that a probe can be looked for in the answer."""
    type_ = served_schema().type_map[type_name]
    assert isinstance(type_, GraphQLObjectType)

    def texts(object_type: GraphQLObjectType) -> list[str]:
        return [
            name
            for name, f in object_type.fields.items()
            if not f.args and getattr(named_type(f.type), "name", None) == "String"
        ]

    parts = ["id", *texts(type_)]
    for name, f in type_.fields.items():
        inner = f.type.of_type if isinstance(f.type, GraphQLNonNull) else f.type
        element = named_type(f.type)
        is_object_list = isinstance(inner, GraphQLList) and isinstance(element, GraphQLObjectType)
        if is_object_list and not f.args and (nested := texts(element)):
            parts.append(f"{name} {{ {' '.join(nested)} }}")
    return " ".join(parts)


def pair_ids(pairs: list[tuple[str, str]]) -> list[str]:
    return [f"{a} {b}" for a, b in pairs]


def graphql_text_fields() -> list[tuple[str, str]]:
    mutation_type = served_schema().mutation_type
    assert mutation_type is not None
    found = []
    for name in GRAPHQL_CREATES:
        found += [
            (name, f) for f in _input_fields(mutation_type.fields[name].args["input"].type, "")
        ]
    return found


# --- bodies and answers ---------------------------------------------------------------------


def put(body: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """``body`` with ``value`` at ``path`` (``items.0.description``)."""
    parts = path.split(".")
    here: Any = body
    for part, following in itertools.pairwise(parts):
        if part.isdigit():
            while len(here) <= int(part):
                here.append({})
            here = here[int(part)]
        else:
            here = here.setdefault(part, [] if following.isdigit() else {})
    last = parts[-1]
    here[last] = value
    return body


def strings(value: Any) -> set[str]:
    """Every string inside a JSON-like value."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set().union(*(strings(v) for v in value.values())) if value else set()
    if isinstance(value, list | tuple):
        return set().union(*(strings(v) for v in value)) if value else set()
    return set()


def named_fields(face: str, body: dict[str, Any]) -> list[str]:
    """The fields a 422 (REST) or a payload's errors (GraphQL) name."""
    if face == "api":
        return [f["field"] for f in body["error"].get("fields", [])]
    if face == "v1":
        return list(body.get("errors", {}))
    return [e["field"] for e in body]


def names_field(named: list[str], path: str) -> bool:
    """Whether ``path`` (or the dialect's name for its last segment) is among ``named``."""
    last = path.split(".")[-1]
    return any(n == path or n.split(".")[-1] == last or n.endswith(path) for n in named)


def uuid_of(global_id: str) -> uuid.UUID:
    decoded = from_global_id(global_id)
    return decoded[1] if decoded else uuid.UUID(global_id)
