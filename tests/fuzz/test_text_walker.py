"""Issue 12, finding 4: NUL bytes and lone surrogates in every text input of every face are
refused (422 / a payload error naming the field), never a 500 — walked from the route table
(its OpenAPI document) and from the GraphQL schema, on PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    Undefined,
    get_named_type,
)

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account
from invoicegraph.schema import build_schema
from invoicegraph.services.api_keys import create_key

from .conftest import assert_sound
from .objects import real_ids
from .poison import NUL, SURROGATE, encode

pytestmark = pytest.mark.xdist_group("fuzz")
POISONS = {"nul": NUL, "surrogate": SURROGATE}
MISSING_UUID = "00000000-0000-4000-8000-000000000000"


FILLERS = 3  # the poisoned item of a list comes after this many: its index must be named


@dataclass(frozen=True)
class TextField:
    """A string field of a body schema: its path (``[]`` for a list's item) and max length."""

    path: tuple[str, ...]
    max_length: int | None

    def named(self) -> str:
        """How both dialects name it in a 422: ``items.3.description``."""
        return ".".join(str(FILLERS) if part == "[]" else part for part in self.path)

    def body(self, value: str) -> Any:
        """A body whose only text at this path is ``value``, behind ``FILLERS`` empty items."""

        def build(parts: tuple[str, ...]) -> Any:
            if not parts:
                return value
            head, rest = parts[0], parts[1:]
            if head == "[]":
                filler: Any = "ok" if not rest else {}
                return [filler] * FILLERS + [build(rest)]
            return {head: build(rest)}

        return build(self.path)


def _resolve(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _text_fields(
    schema: dict[str, Any], spec: dict[str, Any], path: tuple[str, ...] = ()
) -> list[TextField]:
    """Every string field of a body schema, at any depth of objects and lists."""
    schema = _resolve(schema, spec)
    found: list[TextField] = []
    combined = [_resolve(p, spec) for k in ("allOf", "oneOf", "anyOf") for p in schema.get(k, [])]
    texts = [s for s in [schema, *combined] if "string" in str(s.get("type"))]
    if texts and path:
        lengths = [s["maxLength"] for s in texts if "maxLength" in s]
        found.append(TextField(path, min(lengths) if lengths else None))
    if len(path) < 6:
        for part in [schema, *combined]:
            if "array" in str(part.get("type")) and part.get("items"):
                found.extend(_text_fields(part["items"], spec, (*path, "[]")))
            for name, prop in (part.get("properties") or {}).items():
                found.extend(_text_fields(prop, spec, (*path, name)))
    return found


def _poison(kind: str, field: TextField) -> str:
    if kind == "overlong":
        return "x" * ((field.max_length or 10_000) + 1)
    return POISONS[kind]


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


def _named_fields(answer: httpx.Response) -> set[str]:
    """The fields a 422 names, in the dialect's own place."""
    body = answer.json()
    if "error" in body:  # /api: {"error": {"fields": [{"field": …}]}}
        return {f["field"] for f in body["error"].get("fields", [])}
    return set(body.get("errors") or {})  # /v1: {"errors": {field: [messages]}}


@pytest.mark.parametrize("poison", POISONS)
async def test_every_rest_query_parameter_refuses_nul_and_surrogates(
    http: httpx.AsyncClient, poison: str
) -> None:
    _, operations = await _operations(http)
    sent = 0
    for method, path, operation in operations:
        for parameter in operation.get("parameters", []):
            if parameter.get("in") == "query":
                raw = "a%00b" if poison == "nul" else "x%ED%A0%80y"  # what a URL can carry
                answer = await http.request(method, f"{_concrete(path)}?{parameter['name']}={raw}")
                assert_sound(answer, f"{method} {path}?{parameter['name']}")
                sent += 1
    assert sent > 20, sent


@pytest.mark.parametrize("poison", [*POISONS, "overlong"])
async def test_every_rest_text_field_is_refused_by_name(
    http: httpx.AsyncClient, postgresql_database: Database, pg_account: Account, poison: str
) -> None:
    """Each text field of each body, alone poisoned (nested ones as the fourth item of their
    list) is a 422 naming it as the dialect does (``items.3.description``), on real objects
    for the routes with an ``{id}``."""
    spec, operations = await _operations(http)
    targets = await real_ids(http, postgresql_database, pg_account)
    async with postgresql_database.sessions() as session:
        admin = (await create_key(session, pg_account, access="admin")).text
    sent, nested, unnamed = 0, 0, []
    for method, path, operation in operations:
        content = (operation.get("requestBody") or {}).get("content", {})
        schema = (content.get("application/json") or {}).get("schema")
        if schema is None:
            continue
        fields = list(_text_fields(schema, spec))
        if not fields:
            continue
        url = targets[(method, path)] if "{id}" in path else path
        # the operations documented "(admin key)" are sent with one, to reach their rules
        key = (
            {"Authorization": f"Bearer {admin}"}
            if "(admin key)" in operation["description"]
            else {}
        )
        for field in fields:
            answer = await http.request(
                method,
                url,
                content=encode(field.body(_poison(poison, field))),
                headers={"Content-Type": "application/json", **key},
            )
            what = f"{method} {path} {field.named()}"
            assert_sound(answer, what)
            if answer.status_code != 422 or field.named() not in _named_fields(answer):
                unnamed.append((what, answer.status_code, answer.text[:300]))
            sent += 1
            nested += "[]" in field.path
    assert not unnamed, unnamed
    assert sent > 100 and nested > 15, (sent, nested)


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


def _text_leaves(kind: Any, path: tuple[str, ...] = (), depth: int = 0) -> list[tuple[str, ...]]:
    """The paths of every String/ID inside a GraphQL input type (``[]`` for a list's item)."""
    if isinstance(kind, GraphQLNonNull):
        return _text_leaves(kind.of_type, path, depth)
    if isinstance(kind, GraphQLList):
        return _text_leaves(kind.of_type, (*path, "[]"), depth)
    if isinstance(kind, GraphQLInputObjectType):
        if depth > 3:
            return []
        return [
            leaf
            for name, field in kind.fields.items()
            for leaf in _text_leaves(field.type, (*path, name), depth + 1)
        ]
    if isinstance(kind, GraphQLScalarType) and kind.name in ("String", "ID"):
        return [path]
    return []


@pytest.mark.parametrize("poison", POISONS)
async def test_every_graphql_text_input_is_refused_by_its_path(
    http: httpx.AsyncClient, poison: str
) -> None:
    """Each String/ID of each argument, alone poisoned (nested ones as the fourth item of
    their list) is a BAD_USER_INPUT whose ``extensions.argument`` names its path as the
    coercion errors do (``$input.lines.3.description``)."""
    schema = build_schema()._schema
    assert schema.mutation_type is not None
    sent, nested, unnamed = 0, 0, []
    for operation, root in (("mutation", schema.mutation_type), ("query", schema.query_type)):
        for name, field in root.fields.items():
            named = get_named_type(field.type)
            selection = " { __typename }" if hasattr(named, "fields") else ""
            for arg, definition in field.args.items():
                for leaf in _text_leaves(definition.type):
                    text = TextField(leaf, None)
                    query = f"{operation}($v: {definition.type}) {{ {name}({arg}: $v){selection} }}"
                    answer = await http.post(
                        "/graphql",
                        content=encode(
                            {"query": query, "variables": {"v": text.body(POISONS[poison])}}
                        ),
                        headers={"Content-Type": "application/json"},
                    )
                    what = f"{operation} {name}({arg}) {text.named()}"
                    assert_sound(answer, what)
                    errors = answer.json().get("errors") or []
                    expected = f"$v.{text.named()}" if leaf else "$v"
                    arguments = {(e.get("extensions") or {}).get("argument") for e in errors}
                    codes = {(e.get("extensions") or {}).get("code") for e in errors}
                    if expected not in arguments or codes != {"BAD_USER_INPUT"}:
                        unnamed.append((what, errors))
                    sent += 1
                    nested += "[]" in leaf
    assert not unnamed, unnamed
    assert sent > 100 and nested > 10, (sent, nested)


def _string_leaves(kind: Any, path: tuple[str, ...] = (), depth: int = 0) -> list[tuple[str, ...]]:
    """Like ``_text_leaves`` but Strings only: an over-long ID is just an unknown one."""
    if isinstance(kind, GraphQLNonNull):
        return _string_leaves(kind.of_type, path, depth)
    if isinstance(kind, GraphQLList):
        return _string_leaves(kind.of_type, (*path, "[]"), depth)
    if isinstance(kind, GraphQLInputObjectType):
        if depth > 3:
            return []
        return [
            leaf
            for name, field in kind.fields.items()
            for leaf in _string_leaves(field.type, (*path, name), depth + 1)
        ]
    if isinstance(kind, GraphQLScalarType) and kind.name == "String":
        return [path]
    return []


def _filled(kind: Any, path: tuple[str, ...], value: str) -> Any:
    """A value of ``kind`` with ``value`` at ``path``; a list's poisoned item comes after
    ``FILLERS`` items holding only their required texts, so that only it can be refused."""
    if isinstance(kind, GraphQLNonNull):
        return _filled(kind.of_type, path, value)
    if not path:
        return value
    head, rest = path[0], path[1:]
    if head == "[]":
        assert isinstance(kind, GraphQLList)
        item = kind.of_type.of_type if isinstance(kind.of_type, GraphQLNonNull) else kind.of_type
        filler: Any = "ok"
        poisoned = _filled(kind.of_type, rest, value)
        if isinstance(item, GraphQLInputObjectType):
            filler = {
                name: "ok"
                for name, field in item.fields.items()
                if isinstance(field.type, GraphQLNonNull)
                and getattr(field.type.of_type, "name", None) == "String"
            }
            poisoned = {**filler, **poisoned}
        return [filler] * FILLERS + [poisoned]
    assert isinstance(kind, GraphQLInputObjectType)
    required = {
        name: _minimal(field.type)
        for name, field in kind.fields.items()
        if name != head
        and isinstance(field.type, GraphQLNonNull)
        and field.default_value is Undefined
    }
    return {**required, head: _filled(kind.fields[head].type, rest, value)}


def _minimal(kind: Any) -> Any:
    """The smallest valid value of a required input beside the poisoned one (an enum's first
    value, one item of a list), so that only the poisoned text can be refused."""
    if isinstance(kind, GraphQLNonNull):
        return _minimal(kind.of_type)
    if isinstance(kind, GraphQLList):
        return [_minimal(kind.of_type)]
    if isinstance(kind, GraphQLEnumType):
        return next(iter(kind.values))
    if isinstance(kind, GraphQLInputObjectType):
        return {
            name: _minimal(field.type)
            for name, field in kind.fields.items()
            if isinstance(field.type, GraphQLNonNull) and field.default_value is Undefined
        }
    return {"Int": 1, "Float": 1.0, "Boolean": False}.get(getattr(kind, "name", ""), "ok")


async def test_every_graphql_text_input_refuses_overlong_by_its_path(
    http: httpx.AsyncClient, postgresql_database: Database, pg_account: Account
) -> None:
    """An over-long String in each argument of each mutation that needs no other argument
    (nested ones as the fourth item of their list) is refused naming its path: a payload
    error's ``field`` (``lines.3.description``) or a top-level BAD_USER_INPUT's
    ``extensions.argument`` (``$v.introTexts.3.text``)."""
    schema = build_schema()._schema
    assert schema.mutation_type is not None
    async with postgresql_database.sessions() as session:
        admin = (await create_key(session, pg_account, access="admin")).text
    sent, nested, unnamed = 0, 0, []
    for name, field in schema.mutation_type.fields.items():
        # the fields documented "(admin …)" are sent with an admin key, to reach their rules
        key = {"Authorization": f"Bearer {admin}"} if "(admin" in (field.description or "") else {}
        payload = get_named_type(field.type)
        if "errors" not in getattr(payload, "fields", {}):
            continue
        for arg, definition in field.args.items():
            others = [
                a for a, d in field.args.items() if a != arg and isinstance(d.type, GraphQLNonNull)
            ]
            if others:
                continue  # needs a real object: the REST walker covers those routes
            for leaf in _string_leaves(definition.type):
                text = TextField(leaf, None)
                variables = {"v": _filled(definition.type, leaf, "x" * 100_001)}
                query = f"mutation($v: {definition.type}) {{ {name}({arg}: $v) {{ errors {{ field }} }} }}"
                answer = await http.post(
                    "/graphql",
                    content=encode({"query": query, "variables": variables}),
                    headers={"Content-Type": "application/json", **key},
                )
                what = f"{name}({arg}) {text.named()}"
                assert_sound(answer, what)
                body = answer.json()
                named = {
                    e["field"]
                    for e in ((body.get("data") or {}).get(name) or {}).get("errors") or []
                }
                named |= {
                    (e.get("extensions") or {}).get("argument") for e in body.get("errors") or []
                }
                path = text.named() if arg == "input" else f"{arg}.{text.named()}".rstrip(".")
                if path not in named and f"$v.{text.named()}".rstrip(".") not in named:
                    unnamed.append((what, body))
                sent += 1
                nested += "[]" in leaf
    assert not unnamed, unnamed
    assert sent > 30 and nested > 5, (sent, nested)
