"""The schema a frontend developer reads: every closed set an enum, every type, field,
argument and enum value described, scalars that say their format, and lists with bounds."""

from __future__ import annotations

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    get_named_type,
)

from invoicegraph.schema import build_schema
from invoicegraph.schema.input_bounds import DEFAULT_MAX_ITEMS, bound_of

SCHEMA = build_schema()._schema


def _undescribed() -> list[str]:
    missing: list[str] = []
    for name, type_ in SCHEMA.type_map.items():
        if name.startswith("__") or name in ("String", "Boolean", "Int", "Float", "ID"):
            continue
        if not type_.description:
            missing.append(name)
        if isinstance(type_, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            for field_name, field in type_.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                for arg_name, arg in getattr(field, "args", {}).items():
                    if not arg.description:
                        missing.append(f"{name}.{field_name}({arg_name})")
        if isinstance(type_, GraphQLEnumType):
            missing += [f"{name}.{v}" for v, value in type_.values.items() if not value.description]
    return missing


def test_every_type_field_argument_and_enum_value_is_described() -> None:
    assert _undescribed() == []


@pytest.mark.parametrize(
    ("type_name", "field", "enum"),
    [
        ("ApiKey", "mode", "ApiKeyMode"),
        ("ApiKey", "access", "ApiKeyAccess"),
        ("Quote", "status", "QuoteStatus"),
        ("Series", "kind", "SeriesKind"),
        ("Tax", "kind", "TaxKind"),
        ("Tax", "qualification", "TaxQualification"),
        ("LineTax", "kind", "TaxKind"),
        ("Invoice", "rectifiedStatus", "RectifiedStatus"),
        ("Account", "plan", "Plan"),
        ("PaymentMethod", "kind", "PaymentMethodKind"),
        ("TaxInput", "kind", "TaxKind"),
        ("SeriesInput", "kind", "SeriesKind"),
        ("QuoteInput", "status", "QuoteStatus"),
        ("QuoteFilterInput", "status", "QuoteStatus"),
    ],
)
def test_closed_sets_are_enums(type_name: str, field: str, enum: str) -> None:
    type_ = SCHEMA.get_type(type_name)
    assert isinstance(type_, GraphQLObjectType | GraphQLInputObjectType)
    assert get_named_type(type_.fields[field].type).name == enum


def test_create_api_key_takes_an_access_enum() -> None:
    mutation = SCHEMA.mutation_type
    assert mutation is not None
    access = mutation.fields["createApiKey"].args["access"].type
    assert isinstance(access, GraphQLNonNull) and access.of_type.name == "ApiKeyAccess"


@pytest.mark.parametrize("name", ["Date", "DateTime", "Decimal", "UUID"])
def test_scalars_are_specified_and_say_their_format(name: str) -> None:
    scalar = SCHEMA.get_type(name)
    assert isinstance(scalar, GraphQLScalarType)
    assert scalar.specified_by_url and scalar.specified_by_url.startswith("https://")
    assert scalar.description and "e.g." in scalar.description


def test_nodes_takes_a_list_of_ids() -> None:
    query = SCHEMA.query_type
    assert query is not None
    ids = query.fields["nodes"].args["ids"].type
    assert str(ids) == "[ID!]!"


def _list_positions() -> list[tuple[str, object]]:
    positions: list[tuple[str, object]] = []
    for name, type_ in SCHEMA.type_map.items():
        if isinstance(type_, GraphQLInputObjectType) and not name.startswith("__"):
            positions += [(f"{name}.{f}", field) for f, field in type_.fields.items()]
        if isinstance(type_, GraphQLObjectType) and not name.startswith("__"):
            for f, field in type_.fields.items():
                positions += [(f"{name}.{f}({a})", arg) for a, arg in field.args.items()]
    return positions


def test_every_list_input_states_its_bound() -> None:
    unbounded = []
    for name, position in _list_positions():
        type_ = position.type  # type: ignore[attr-defined]
        inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
        if not isinstance(inner, GraphQLList):
            continue
        bound = bound_of(position)
        description = position.description or ""  # type: ignore[attr-defined]
        stated = f"At most {bound} items." in description
        enum_set = isinstance(get_named_type(inner), GraphQLEnumType)  # a set of enum values
        if not stated and not (enum_set and bound == DEFAULT_MAX_ITEMS):
            unbounded.append(name)
    assert unbounded == []
