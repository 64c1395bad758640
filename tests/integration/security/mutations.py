"""Every GraphQL mutation, read from the schema the app serves, as a request the security
matrix can send: required arguments generated from their types, ids of the right kind.

Generated arguments are always type-valid, so the auth checks (401/403) need nothing else. To
reach the object lookup (and its NOT_FOUND) some mutations need one more field than the types
require; those live in ``OVERRIDES``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    Undefined,
)
from starlette.routing import Route

from .conftest import TODAY, Objects
from .routes import served_app

# the object a mutation's ``id`` names: the first of these nouns in its name
NOUNS = {
    "Invoice": "invoice",
    "Client": "client",
    "Quote": "quote",
    "Product": "product",
    "Tax": "tax",
    "Series": "series",
    "ApiKey": "api_key",
    "WebhookEndpoint": "webhook_endpoint",
    "Webhook": "webhook_delivery",  # redeliverWebhook
}
Override = Callable[[Objects], dict[str, Any]]


def _noun(kind: str) -> str:
    return next(noun for noun, named in NOUNS.items() if named == kind)


def _uuid(objects: Objects, kind: str) -> str:
    return str(objects.uuids[kind])


# arguments a mutation needs beyond what its types require, to get past validation to the
# lookup of the objects it names
OVERRIDES: dict[str, Override] = {
    "createInvoice": lambda o: {"input": {"clientId": _uuid(o, "client")}},
    "createQuote": lambda o: {"input": {"clientId": _uuid(o, "client")}},
    "updateInvoice": lambda o: {"input": {"notes": "x"}},
    "updateClient": lambda o: {"input": {"name": "B"}},
    "updateQuote": lambda o: {"input": {"notes": "x"}},
    "updateProduct": lambda o: {"input": {"name": "Q"}},
    "updateTax": lambda o: {"input": {"name": "T"}},
    "updateSeries": lambda o: {"input": {"name": "S"}},
    "rectifyInvoice": lambda o: {"input": {"items": [{"description": "x", "quantity": "1"}]}},
    "createApiKey": lambda o: {"access": "READ"},
    "updateWebhookEndpoint": lambda o: {"input": {"enabled": False}},
}
# mutations only an admin key may call (a write key is FORBIDDEN); each says so in its
# description, which the matrix checks
ADMIN = {
    "createApiKey",
    "revokeApiKey",
    "updateAccount",
    "createWebhookEndpoint",
    "updateWebhookEndpoint",
    "deleteWebhookEndpoint",
    "rotateWebhookEndpointSecret",
    "redeliverWebhook",
}
# mutations whose id names a draft rather than any invoice
ON_DRAFTS = {"issueInvoice", "deleteInvoice", "updateInvoice"}


@dataclass(frozen=True)
class Mutation:
    name: str
    field: GraphQLField

    @property
    def object_kind(self) -> str | None:
        """What the ``id`` argument names, or None without one."""
        if "id" not in self.field.args:
            return None
        positions = {
            kind: self.name.find(noun) for noun, kind in NOUNS.items() if noun in self.name
        }
        assert positions, (
            f"{self.name}(id:): teach tests/integration/security/mutations.py NOUNS which "
            "object it names"
        )
        # the first noun, the longest where two start together (WebhookEndpoint, Webhook)
        kind = min(positions, key=lambda k: (positions[k], -len(_noun(k))))
        return "draft" if kind == "invoice" and self.name in ON_DRAFTS else kind

    @property
    def admin(self) -> bool:
        return self.name in ADMIN

    @property
    def names_objects(self) -> bool:
        """Whether the request refers to existing objects (its id, or ids in its input)."""
        return self.object_kind is not None or self.name in ("createInvoice", "createQuote")

    def request(self, objects: Objects) -> dict[str, Any]:
        """``{"query", "variables"}`` calling this mutation on ``objects``."""
        variables: dict[str, Any] = {}
        for name, argument in self.field.args.items():
            if name == "id":
                kind = self.object_kind
                assert kind is not None
                variables[name] = _uuid(objects, kind)
            elif _required(argument):
                variables[name] = _value(argument.type)
        override = OVERRIDES.get(self.name)
        if override is not None:
            for name, value in override(objects).items():
                current = variables.get(name)
                if isinstance(current, dict) and isinstance(value, dict):
                    variables[name] = {**current, **value}
                else:
                    variables[name] = value
        declared = ", ".join(f"${n}: {self.field.args[n].type}" for n in variables)
        passed = ", ".join(f"{n}: ${n}" for n in variables)
        call = f"{self.name}({passed})" if passed else self.name
        header = f"mutation Probe({declared})" if declared else "mutation Probe"
        return {"query": f"{header} {{ {call} {{ {self._selection()} }} }}", "variables": variables}

    def _selection(self) -> str:
        payload = named_type(self.field.type)
        if isinstance(payload, GraphQLObjectType) and "errors" in payload.fields:
            return "errors { field code }"
        return "__typename"


def _required(argument: GraphQLArgument | GraphQLInputField) -> bool:
    return isinstance(argument.type, GraphQLNonNull) and argument.default_value is Undefined


def named_type(type_: Any) -> Any:
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        type_ = type_.of_type
    return type_


SCALARS: dict[str, Any] = {
    "String": "x",
    "Boolean": False,
    "Int": 1,
    "Float": 1.0,
    "Decimal": "1",
    "Date": TODAY,
    "DateTime": dt.datetime.now(dt.UTC).isoformat(),
    "UUID": "00000000-0000-4000-8000-000000000000",
    "ID": "00000000-0000-4000-8000-000000000000",
}


def _value(type_: GraphQLInputType) -> Any:
    """The smallest type-valid value: required fields only, one item per list."""
    if isinstance(type_, GraphQLNonNull):
        return _value(type_.of_type)
    if isinstance(type_, GraphQLList):
        return [_value(type_.of_type)]
    if isinstance(type_, GraphQLInputObjectType):
        return {name: _value(f.type) for name, f in type_.fields.items() if _required(f)}
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    assert isinstance(type_, GraphQLScalarType)
    assert type_.name in SCALARS, f"teach mutations.py SCALARS a value for {type_.name}"
    return SCALARS[type_.name]


def served_schema() -> GraphQLSchema:
    """The schema behind ``/graphql`` of the app ``invoicegraph serve`` builds."""
    for route in served_app().routes:
        if isinstance(route, Route) and route.path == "/graphql":
            schema: GraphQLSchema = route.endpoint.schema._schema  # type: ignore[attr-defined]
            return schema
    raise AssertionError("no /graphql route")


@cache
def mutation_table() -> list[Mutation]:
    mutation_type = served_schema().mutation_type
    assert mutation_type is not None
    return [Mutation(name, field) for name, field in sorted(mutation_type.fields.items())]
