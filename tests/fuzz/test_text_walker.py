"""Issue 12, finding 4: NUL bytes and lone surrogates in every text input of every face are
refused (422 / a payload error naming the field), never a 500 — walked from the route table
(its OpenAPI document) and from the GraphQL schema, on PostgreSQL."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    get_named_type,
)

from invoicegraph.schema import build_schema

from .conftest import assert_sound
from .poison import NUL, SURROGATE, encode

pytestmark = pytest.mark.xdist_group("fuzz")
POISONS = {"nul": NUL, "surrogate": SURROGATE}
MISSING_UUID = "00000000-0000-4000-8000-000000000000"


def _string_properties(schema: dict[str, Any], spec: dict[str, Any], prefix: str = "") -> list[str]:
    """Dotted paths of the string fields of a body schema (one level into arrays)."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec["components"]["schemas"][name]
    for combined in ("allOf", "oneOf", "anyOf"):
        for part in schema.get(combined, []):
            return _string_properties(part, spec, prefix)
    found: list[str] = []
    for name, prop in (schema.get("properties") or {}).items():
        if "$ref" in prop:
            prop = spec["components"]["schemas"][prop["$ref"].rsplit("/", 1)[-1]]
        kinds = prop.get("type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if "string" in kinds or any(
            "string" in str(p.get("type")) for p in prop.get("oneOf", []) + prop.get("anyOf", [])
        ):
            found.append(prefix + name)
        elif "array" in kinds and not prefix:
            items = prop.get("items") or {}
            if "$ref" in items or items.get("type") == "object":
                found.extend(f"{name}.0.{p}" for p in _string_properties(items, spec, "~"))
    return [p.replace("~", "") for p in found]


def _body_with(path: str, value: str) -> Any:
    parts = path.split(".")
    if len(parts) == 1:
        return {parts[0]: value}
    return {parts[0]: [{parts[2]: value}]}


async def _operations(http: httpx.AsyncClient) -> tuple[dict[str, Any], list[tuple[str, str, Any]]]:
    spec = (await http.get("/openapi.json")).json()
    operations = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "patch", "put", "delete"):
                operations.append((method.upper(), path, operation))
    return spec, operations


def _concrete(path: str) -> str:
    return path.replace("{id}", MISSING_UUID if path.startswith("/api") else "999999")


@pytest.mark.parametrize("poison", POISONS)
async def test_every_rest_text_field_refuses_nul_and_surrogates(
    http: httpx.AsyncClient, poison: str
) -> None:
    spec, operations = await _operations(http)
    value = POISONS[poison]
    sent = 0
    for method, path, operation in operations:
        url = _concrete(path)
        for parameter in operation.get("parameters", []):
            if parameter.get("in") == "query":
                raw = "a%00b" if poison == "nul" else "x%ED%A0%80y"  # what a URL can carry
                answer = await http.request(method, f"{url}?{parameter['name']}={raw}")
                assert_sound(answer, f"{method} {path}?{parameter['name']}")
                sent += 1
        content = (operation.get("requestBody") or {}).get("content", {})
        schema = (content.get("application/json") or {}).get("schema")
        if schema is None:
            continue
        for field in _string_properties(schema, spec):
            answer = await http.request(
                method,
                url,
                content=encode(_body_with(field, value)),
                headers={"Content-Type": "application/json"},
            )
            assert_sound(answer, f"{method} {path} {field}")
            # a top-level field is named; an item's may wait behind its required siblings
            if answer.status_code == 422 and "{id}" not in path and "." not in field:
                leaf = field.rsplit(".", 1)[-1]
                assert leaf in answer.text or field in answer.text, (method, path, field)
            sent += 1
    assert sent > 100, sent


def _poisoned(kind: Any, value: str, depth: int = 0) -> Any:
    """A value of GraphQL input type ``kind`` whose every text is ``value``."""
    if isinstance(kind, GraphQLNonNull):
        return _poisoned(kind.of_type, value, depth)
    if isinstance(kind, GraphQLList):
        item = _poisoned(kind.of_type, value, depth)
        return None if item is None else [item]
    if isinstance(kind, GraphQLInputObjectType):
        if depth > 2:
            return None
        fields = {}
        for name, field in kind.fields.items():
            poisoned = _poisoned(field.type, value, depth + 1)
            if poisoned is not None:
                fields[name] = poisoned
        return fields or None
    if isinstance(kind, GraphQLScalarType) and kind.name in ("String", "ID"):
        return value
    return None


@pytest.mark.parametrize("poison", POISONS)
async def test_every_graphql_input_refuses_nul_and_surrogates(
    http: httpx.AsyncClient, poison: str
) -> None:
    schema = build_schema()._schema
    value = POISONS[poison]
    roots = [("mutation", schema.mutation_type), ("query", schema.query_type)]
    sent = 0
    for operation, root in roots:
        assert root is not None
        for name, field in root.fields.items():
            if not field.args:
                continue
            variables = {}
            declared = []
            for arg, definition in field.args.items():
                poisoned = _poisoned(definition.type, value)
                if poisoned is None:
                    continue
                variables[arg] = poisoned
                declared.append(f"${arg}: {definition.type}")
            if not variables:
                continue
            named = get_named_type(field.type)
            selection = " { __typename }" if hasattr(named, "fields") else ""
            arguments = ", ".join(f"{a}: ${a}" for a in variables)
            query = f"{operation}({', '.join(declared)}) {{ {name}({arguments}){selection} }}"
            answer = await http.post(
                "/graphql",
                content=encode({"query": query, "variables": variables}),
                headers={"Content-Type": "application/json"},
            )
            assert_sound(answer, f"{operation} {name}")
            errors = answer.json().get("errors") or []
            internal = [
                e
                for e in errors
                if e.get("message") == "Unexpected error."
                or (e.get("path") and "code" not in (e.get("extensions") or {}))
            ]
            assert not internal, (name, internal)
            sent += 1
    assert sent > 20, sent
